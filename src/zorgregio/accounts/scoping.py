"""What each role may see: the one place where scoping is decided.

Every selector that reads data a role might not be allowed to see passes its queryset through
:meth:`Scope.filter` (or the model's ``visible_to(user)``), naming the paths to the
municipality and the provider. Views never filter by role themselves.

==================  ==================  =================  ==================
role                municipalities      providers          client-level data
==================  ==================  =================  ==================
regional team       all of the region   all                yes, whole region
municipality staff  own (one or more)   all                yes, own municipality
provider user       all of the region   own only           yes, own clients
council member      all of the region   all                no: aggregates only
administrator       all                 all                no: technical role
no role             none                none               no
==================  ==================  =================  ==================

The admission procedure (``toelating``) is run by the regional team alone (not the
administrator): :attr:`Scope.runs_procedures`. What providers submit to it (applications,
evidence, questions and confidential answers, decisions) is seen by the regional team of the
region and by the submitting provider, nobody else: :meth:`Scope.submissions`. Procedures are
drafts for the regional team until published, then open to every role (and the public):
:meth:`Scope.procedures`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Role


@dataclass(frozen=True)
class Scope:
    role: str | None
    region_id: int | None = None
    municipality_ids: frozenset[int] = frozenset()
    provider_id: int | None = None

    @property
    def has_role(self) -> bool:
        return bool(self.role)

    @property
    def client_data(self) -> bool:
        """May see client-level data (within the filters below)."""
        return self.role in (Role.REGIONAL, Role.MUNICIPALITY, Role.PROVIDER)

    @property
    def manages_region(self) -> bool:
        """May change the region's catalogue, tariffs and contract register."""
        return self.role in (Role.REGIONAL, Role.ADMIN)

    @property
    def runs_procedures(self) -> bool:
        """May run the admission procedure: publish, set thresholds, answer questions, assess
        and decide. The regional team only; the administrator is a technical role."""
        return self.role == Role.REGIONAL

    def submissions(self, qs: QuerySet, *, provider: str, region: str) -> QuerySet:
        """What a provider submits in an admission procedure of ``region`` (a lookup path to
        the region id): the regional team of that region and the submitting provider (the
        ``provider`` path) only. Municipality staff, councils and administrators see none of
        it; deny by default."""
        if self.role == Role.REGIONAL and self.region_id:
            return qs.filter(**{region: self.region_id})
        if self.role == Role.PROVIDER and self.provider_id:
            return qs.filter(**{provider: self.provider_id, region: self.region_id})
        return qs.none()

    def procedures(self, qs: QuerySet, *, region: str, published: Q) -> QuerySet:
        """Admission procedures: drafts only to the regional team of their region; published
        ones to every role of the region (the administrator: of every region)."""
        if not self.role:
            return qs.none()
        if self.role == Role.ADMIN:
            return qs.filter(published)
        qs = qs.filter(**{region: self.region_id})
        return qs if self.runs_procedures else qs.filter(published)

    def municipalities(self, qs: QuerySet) -> QuerySet:
        """Municipalities this role works for (in detail)."""
        if not self.role:
            return qs.none()
        if self.role == Role.ADMIN:
            return qs
        qs = qs.filter(region_id=self.region_id)
        if self.role == Role.MUNICIPALITY:
            qs = qs.filter(pk__in=self.municipality_ids)
        return qs

    def providers(self, qs: QuerySet) -> QuerySet:
        if not self.role:
            return qs.none()
        if self.role == Role.PROVIDER:
            return qs.filter(pk=self.provider_id)
        return qs

    def filter(
        self,
        qs: QuerySet,
        *,
        municipality: str | None = None,
        provider: str | None = None,
        client_level: bool = False,
    ) -> QuerySet:
        """Restrict ``qs`` to this role's scope.

        ``municipality`` and ``provider`` are lookup paths from the queryset's model to the
        municipality and provider (e.g. ``"toewijzing__municipality"``). Client-level
        querysets are denied outright to roles without client rights, and to scoped roles whose
        path is not given: deny by default.
        """
        if not self.role or (client_level and not self.client_data):
            return qs.none()
        if self.role == Role.MUNICIPALITY:
            if municipality:
                qs = qs.filter(**{f"{municipality}__in": self.municipality_ids})
            elif client_level:
                return qs.none()
        if self.role == Role.PROVIDER:
            if provider:
                qs = qs.filter(**{provider: self.provider_id})
            elif client_level:
                return qs.none()
        if municipality and self.role != Role.ADMIN:
            region_path = "region_id" if municipality == "pk" else f"{municipality}__region_id"
            qs = qs.filter(**{region_path: self.region_id})
        return qs


NO_SCOPE = Scope(role=None)


def may_write_care_data(actor, *, municipality_id: int, region_id: int | None, provider_id: int):
    """May ``actor`` write care data (a message, a CSV row) of this municipality and provider?

    ``actor`` None is the operators' command line (``zorgregio import``), which may write
    anything. The regional team writes for the municipalities of its region; municipality staff
    only for their own municipalities; a provider user only its own provider's messages (in its
    region). Councils and administrators write no care data."""
    if actor is None:
        return True
    scope = scope_for(actor)
    if scope.role == Role.REGIONAL:
        return region_id == scope.region_id
    if scope.role == Role.MUNICIPALITY:
        return municipality_id in scope.municipality_ids and region_id == scope.region_id
    if scope.role == Role.PROVIDER:
        return provider_id == scope.provider_id and region_id == scope.region_id
    return False


def scope_for(user) -> Scope:
    """The scope of ``user``, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_zorgregio_scope", None)
    if cached is not None:
        return cached
    role = user.role or (Role.ADMIN if user.is_superuser else None)
    scope = Scope(
        role=role,
        region_id=user.region_id,
        municipality_ids=frozenset(user.municipalities.values_list("pk", flat=True))
        if role == Role.MUNICIPALITY
        else frozenset(),
        provider_id=user.provider_id if role == Role.PROVIDER else None,
    )
    user._zorgregio_scope = scope
    return scope
