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

The public (anyone without a login: the open data pages and API, ``opendata``) gets
:func:`public_scope` of one region: for figures exactly what a council member of that region
gets (aggregates only, the published cells, suppressed and protected), and nothing else: no
client-level data, no role, no writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet

from .models import Role

# Roles by what they may do (views take these as ``allowed_roles``).
CLIENT_ROLES = (Role.REGIONAL, Role.MUNICIPALITY, Role.PROVIDER)  # client-level screens
MESSAGE_ROLES = CLIENT_ROLES  # the message archive and declarations
UPLOAD_ROLES = (Role.REGIONAL, Role.MUNICIPALITY)  # upload messages, download a 325
BUDGET_ROLES = (Role.REGIONAL, Role.MUNICIPALITY, Role.ADMIN)  # the budgets screen
SCENARIO_ROLES = (Role.REGIONAL, Role.MUNICIPALITY, Role.COUNCIL)  # the budget scenarios
SUPERVISION_ROLES = (Role.REGIONAL, Role.MUNICIPALITY)  # toezicht: signals, cases, 18-/18+
WAITING_TIME_ROLES = (Role.REGIONAL, Role.MUNICIPALITY, Role.PROVIDER)  # reported waiting times


@dataclass(frozen=True)
class Scope:
    role: str | None
    region_id: int | None = None
    municipality_ids: frozenset[int] = frozenset()
    provider_id: int | None = None
    public: bool = False  # anyone without a login, reading one region's public aggregates

    @property
    def has_role(self) -> bool:
        return bool(self.role)

    @property
    def client_data(self) -> bool:
        """May see client-level data (within the filters below)."""
        return self.role in (Role.REGIONAL, Role.MUNICIPALITY, Role.PROVIDER)

    @property
    def manages_region(self) -> bool:
        """May change the region's catalogue, tariffs and contract register, and set it up
        (imports, users). Only the regional team: the administrator is a technical role that
        manages accounts and settings, not the business (issue 11.9)."""
        return self.role == Role.REGIONAL

    @property
    def spans_regions(self) -> bool:
        """Sees every region's municipalities in aggregate (the administrator, who has no
        region of its own)."""
        return self.role == Role.ADMIN

    @property
    def is_provider(self) -> bool:
        return self.role == Role.PROVIDER

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

    # Budget scenarios (``scenario``): aggregates per municipality and product group only.

    @property
    def writes_scenarios(self) -> bool:
        """May create and save budget scenarios (for :meth:`scenario_municipalities`): the
        regional team and municipality staff. Councils read published ones only."""
        return self.role in (Role.REGIONAL, Role.MUNICIPALITY)

    def scenarios(self, qs: QuerySet) -> QuerySet:
        """Budget scenarios: the regional team every one of its region; municipality staff
        those of their own municipalities (not region-wide ones); council members those of
        their region published to the council. Providers and administrators: none."""
        if self.role not in SCENARIO_ROLES or self.region_id is None:
            return qs.none()
        qs = qs.filter(region_id=self.region_id)
        if self.role == Role.MUNICIPALITY:
            return qs.filter(municipality_id__in=self.municipality_ids)
        if self.role == Role.COUNCIL:
            return qs.filter(published=True)
        return qs

    def scenario_municipalities(self, qs: QuerySet) -> QuerySet:
        """Municipalities this role may make scenarios for (none for read-only roles)."""
        if not self.writes_scenarios:
            return qs.none()
        return self.municipalities(qs)

    def may_write_scenario(self, *, region_id: int | None, municipality_id: int | None) -> bool:
        """May save a scenario of this municipality (None: the whole region) in this region?
        A region-wide scenario only the regional team."""
        if not self.writes_scenarios or region_id is None or region_id != self.region_id:
            return False
        if municipality_id is None:
            return self.role == Role.REGIONAL
        return self.role == Role.REGIONAL or municipality_id in self.municipality_ids

    # --- supervision (toezicht) ---------------------------------------------------------------

    @property
    def supervises(self) -> bool:
        """May see supervision signals and cases: the regional team and municipality staff.
        Providers, councils and administrators never see them (a provider learns of a case
        from the officer, not from the system)."""
        return self.role in SUPERVISION_ROLES

    def supervision(self, qs: QuerySet, *, municipality: str, region: str) -> QuerySet:
        """Signals and cases: the regional team those of its region; municipality staff those
        of its own municipalities (not the region-wide ones without a municipality, such as
        expired evidence or a subcontractor); every other role none."""
        if self.role == Role.REGIONAL and self.region_id:
            return qs.filter(**{region: self.region_id})
        if self.role == Role.MUNICIPALITY and self.region_id:
            return qs.filter(
                **{region: self.region_id, f"{municipality}__in": self.municipality_ids}
            )
        return qs.none()

    def may_open_case(self, *, region_id: int, municipality_id: int | None) -> bool:
        """Open (or take on) a case for this municipality (None: region-wide): the regional
        team within its region, municipality staff only for its own municipalities."""
        if self.role == Role.REGIONAL:
            return region_id == self.region_id
        if self.role == Role.MUNICIPALITY:
            return region_id == self.region_id and municipality_id in self.municipality_ids
        return False

    def waiting_time_reports(self, qs: QuerySet, *, provider: str, municipality: str) -> QuerySet:
        """Reported waiting times and client-stop requests: a provider its own; municipality
        staff those for its municipalities; the regional team its region's."""
        if self.role == Role.PROVIDER and self.provider_id:
            return qs.filter(**{provider: self.provider_id})
        if self.role in SUPERVISION_ROLES:
            return self.filter(qs, municipality=municipality)
        return qs.none()

    def may_report_for(self, provider_id: int) -> bool:
        """Report a waiting time or announce a client stop for this provider: its own users."""
        return self.role == Role.PROVIDER and self.provider_id == provider_id

    def task_funding(self, qs: QuerySet, *, provider: str, municipality: str) -> QuerySet:
        """Task budgets, their instalments and data deliveries (issue 20): a provider its own;
        municipality staff those of its municipalities; the regional team its region's.
        Commercially confidential per provider, so not the council or the administrator."""
        if self.role in CLIENT_ROLES:
            return self.filter(qs, municipality=municipality, provider=provider)
        return qs.none()

    @property
    def sees_task_funding(self) -> bool:
        """Has the task budgets and data deliveries screens (within :meth:`task_funding`)."""
        return self.role in CLIENT_ROLES

    def may_deliver_data_for(self, provider_id: int) -> bool:
        """Upload a data delivery (art. 3.10) for this provider: its own users only."""
        return self.role == Role.PROVIDER and self.provider_id == provider_id

    def youth_transition(self, qs: QuerySet) -> QuerySet:
        """Municipalities whose 18-/18+ worklist (client level) this role sees: the regional
        team every municipality of its region, municipality staff its own; nobody else."""
        if self.role in SUPERVISION_ROLES:
            return self.municipalities(qs)
        return qs.none()

    # --- the provider finder (vinder) --------------------------------------------------------

    def offer_providers(self, qs: QuerySet) -> QuerySet:
        """Providers whose public offer (aanbod) this role keeps: a provider user its own; the
        regional team those working in its region. Nobody else writes or reads the edit screen
        (the published offer itself is public: :func:`public_admissions`)."""
        if self.role == Role.PROVIDER and self.provider_id:
            return qs.filter(pk=self.provider_id)
        if self.role == Role.REGIONAL and self.region_id:
            return qs.filter(pk__in=qs.model.objects.filter(regions=self.region_id).values("pk"))
        return qs.none()

    def region_municipalities(self, qs: QuerySet) -> QuerySet:
        """The municipalities of this role's region: what "the region" covers (its aggregate,
        its catalogue rows). An administrator without a region: every municipality. The public:
        the municipalities of the region it looks at."""
        if self.public and self.region_id is not None:
            return qs.filter(region_id=self.region_id)
        if not self.role:
            return qs.none()
        if self.region_id is None:
            return qs if self.spans_regions else qs.none()
        return qs.filter(region_id=self.region_id)

    def municipalities(self, qs: QuerySet) -> QuerySet:
        """Municipalities this role works for (in detail): municipality staff its own, the
        others the whole region."""
        qs = self.region_municipalities(qs)
        if self.role == Role.MUNICIPALITY:
            qs = qs.filter(pk__in=self.municipality_ids)
        return qs

    def providers(self, qs: QuerySet) -> QuerySet:
        """Providers: a provider user itself; the other roles those working in their region
        (and providers not yet working in any region, such as a newcomer that registered for
        an admission procedure); the administrator all."""
        if not self.role:
            return qs.none()
        if self.role == Role.PROVIDER:
            return qs.filter(pk=self.provider_id)
        if self.spans_regions:
            return qs
        in_region = qs.model.objects.filter(
            Q(regions=self.region_id) | Q(regions__isnull=True)
        ).values("pk")
        return qs.filter(pk__in=in_region)

    def region_providers(self, qs: QuerySet) -> QuerySet:
        """Providers listed for the region (the home page's count): those working in its
        region; a provider user: only itself."""
        qs = self.providers(qs)
        if self.role != Role.PROVIDER and self.region_id is not None:
            qs = qs.filter(regions=self.region_id)
        return qs

    def detail_for(self, municipality_ids, provider_id: int | None = None) -> bool:
        """May this role see unsuppressed figures for these municipalities (and provider)?

        Regional team: yes, within its region. Municipality staff: only when every
        municipality of the scope is its own. Provider users: only for their own provider.
        Council and administrators: never."""
        if not self.client_data:
            return False
        if self.role == Role.REGIONAL:
            return True
        if self.role == Role.MUNICIPALITY:
            return bool(municipality_ids) and set(municipality_ids) <= set(self.municipality_ids)
        if self.role == Role.PROVIDER:
            return provider_id is not None and provider_id == self.provider_id
        return False

    @property
    def sees_competitors(self) -> bool:
        """Other providers' figures by name (revenue, market share) are commercially
        confidential: a provider user sees its own and the region's aggregates only."""
        return bool(self.role) and self.role != Role.PROVIDER

    @property
    def sees_provider_figures(self) -> bool:
        """The monitor per provider: the regional team, and municipality staff for their own
        municipalities (a provider user sees its own through :meth:`detail_for`)."""
        return self.role in (Role.REGIONAL, Role.MUNICIPALITY)

    @property
    def proposes_amendments(self) -> bool:
        """May propose a contract amendment: the regional team, and a provider for its own
        contract (the same as the amendment screen)."""
        return self.role in (Role.REGIONAL, Role.PROVIDER)

    @property
    def sets_budgets(self) -> bool:
        """May import budgets (the regional team, municipality staff for their own)."""
        return self.role in (Role.REGIONAL, Role.MUNICIPALITY)

    @property
    def imports_messages(self) -> bool:
        """May upload message files (the regional team, municipality staff)."""
        return self.role in UPLOAD_ROLES

    def message_files(self, qs: QuerySet, user) -> QuerySet:
        """Message files: by municipality and provider; a file refused before it named a
        municipality only to who uploaded it (and the regional team, for uploads from its
        region and from the command line)."""
        from django.db.models import Q

        if self.role not in MESSAGE_ROLES:
            return qs.none()
        scoped = self.filter(qs, municipality="municipality", provider="provider").values("pk")
        condition = Q(pk__in=scoped) | Q(uploaded_by=user, municipality__isnull=True)
        if self.role == Role.REGIONAL:
            condition |= Q(municipality__isnull=True) & (
                Q(uploaded_by__isnull=True) | Q(uploaded_by__region_id=self.region_id)
            )
        return qs.filter(condition)

    def import_batches(self, qs: QuerySet, user) -> QuerySet:
        """Uploads: one's own; the regional team also those of users of its region."""
        if self.role == Role.REGIONAL:
            return qs.filter(created_by__region_id=self.region_id)
        if self.role in UPLOAD_ROLES:
            return qs.filter(created_by=user)
        return qs.none()

    def filter(
        self,
        qs: QuerySet,
        *,
        municipality: str | None = None,
        provider: str | None = None,
        region: str | None = None,
        client_level: bool = False,
    ) -> QuerySet:
        """Restrict ``qs`` to this role's scope.

        ``municipality``, ``provider`` and ``region`` are lookup paths from the queryset's model
        to the municipality, the provider and the region (e.g. ``"toewijzing__municipality"``,
        ``"agreement__region"``; the region also follows from the municipality). Client-level
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
        if self.role != Role.ADMIN:
            if municipality:
                region_path = "region_id" if municipality == "pk" else f"{municipality}__region_id"
                qs = qs.filter(**{region_path: self.region_id})
            if region:
                qs = qs.filter(**{f"{region}_id": self.region_id})
        return qs


NO_SCOPE = Scope(role=None)


def public_scope(region_id: int) -> Scope:
    """Anyone, logged in or not, reading the public figures of one region (``opendata``): for
    the monitor like a council member of that region (no detail anywhere: the published cells,
    suppressed and protected for aggregate viewers), and nothing client-level. It has no role,
    so every other decision of :class:`Scope` denies it."""
    return Scope(role=None, region_id=region_id, public=True)


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


# --- what is public (no login): the provider finder ------------------------------------------


def public_admissions(qs: QuerySet, *, day, prefix: str = "") -> QuerySet:
    """What anyone may see of the contract register: the admissions that hold on ``day``
    (status *actief* or *cliëntenstop*, ``day`` inside their period), in the region of their
    municipality. Drafts, ended admissions and those that start later are not public.
    ``prefix`` is the lookup path from ``qs``'s model to the admission (``"admissions__"``)."""
    from zorgregio.common.periods import valid_on_q
    from zorgregio.contracten.models import DELIVERABLE_STATUSES

    condition = Q(**{f"{prefix}status__in": DELIVERABLE_STATUSES}) & Q(
        **{f"{prefix}agreement__region": models.F(f"{prefix}municipality__region")}
    )
    return qs.filter(condition, valid_on_q(day, f"{prefix}valid_from", f"{prefix}valid_until"))


def public_satisfaction(qs: QuerySet) -> QuerySet:
    """Client-satisfaction results anyone may see: those with at least the minimum number of
    respondents that the supervision screens use (``toezicht.selectors.MIN_RESPONDENTS``); a
    result of fewer respondents is never shown, not even as "too few"."""
    from zorgregio.toezicht.selectors import MIN_RESPONDENTS

    return qs.filter(respondents__gte=MIN_RESPONDENTS)


def public_waiting_times(qs: QuerySet, *, day) -> QuerySet:
    """Waiting times anyone may see: what providers reported themselves (art. 3.5), up to
    ``day``. The waiting times the monitor measures from the messages are not public here:
    they are figures about clients."""
    return qs.filter(reported_on__lte=day)


def supervision_officers(users: QuerySet, *, region_id: int, municipality_id: int | None):
    """Who may be assigned a supervision case of this municipality (None: region-wide): the
    regional team of the region, and municipality staff of that municipality."""
    condition = Q(role=Role.REGIONAL, region_id=region_id)
    if municipality_id is not None:
        condition |= Q(role=Role.MUNICIPALITY, region_id=region_id, municipalities=municipality_id)
    return users.filter(condition).distinct()


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
