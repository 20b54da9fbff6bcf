"""The authorization matrix (issue 11): every page and API endpoint, walked from the URL resolver,
tried by every role for data of another scope, reading and writing; any success fails.

The world is the demo region (two municipalities' staff, a provider, a council member, an
administrator) plus a second region with its own regional team, municipality, provider,
agreement, admission, client data, message file and procedure. For every URL the table below
says which objects its parameters take and whose they are; the test then asks, per role, for an
object that is not that role's:

- reading (GET): 403 or 404 (anonymous: the login page, 401 or 403);
- writing (POST, an empty form): 403, 404 or 405 for every role that may not write there, also
  with an object of its own scope;
- and, so that a refusal means something, the owner of each object reads it (200 or a
  redirect): the parameters are right and the page works.

A URL that is not in the table fails the completeness test, so a new page or endpoint cannot be
added without saying who may use it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from zorgregio.accounts.models import Role, User

pytestmark = [pytest.mark.django_db, pytest.mark.debug_once]

ROLES = ("regio", "gemeente", "aanbieder", "raad", "beheerder", "regio_b", "anonymous")
ANY_ROLE = frozenset(ROLES) - {"anonymous"}
REGION_A = frozenset(ROLES) - {"anonymous", "regio_b"}
DENIED = {403, 404}
DENIED_WRITE = {403, 404, 405}
# Pages without a login by design (login flows, the public pages, the health check).
PUBLIC = {
    "set_language", "login", "logout", "two_factor", "two_factor_qr", "invitation",
    "oidc_authentication_init", "oidc_authentication_callback", "health",
    "toelating:public_index", "toelating:public_procedure", "toelating:register",
    "toelating:document", "toelating:nota",
}  # fmt: skip


@dataclass
class Owner:
    """Whose an object is: its region, municipality and provider, and its kind:
    client (client-level data), register (the contract register: a provider sees its own),
    municipality (a municipality's pages: its staff only theirs), submission (what a provider
    submits in an admission procedure), draft (a procedure not yet published), team (screens of
    the regional team), region (anything of a region), catalogue (shared by every role), nobody
    (a URL that is a 404 for every role, e.g. the finder page of a provider without an
    admission there)."""

    kind: str
    region: int | None = None
    municipality: int | None = None
    provider: int | None = None
    pairs: tuple = ()  # a client: every (municipality, provider) of its records


@dataclass
class Rule:
    objects: object = None  # world -> [(kwargs, Owner)]; None: the URL takes no object
    read: frozenset = ANY_ROLE  # who may read it at all (without an object, or an own one)
    write: frozenset = frozenset()  # who may POST to it
    get: bool = True  # False: an endpoint for POST only (GET is 405 for everyone)
    public: bool = False  # readable without a login, except drafts


def may_read(role: str, user, owner: Owner | None, rule: Rule) -> bool:
    if owner is not None and owner.kind == "nobody":
        return False  # e.g. a provider's finder page where it has no admission: a 404 for all
    if rule.public and (owner is None or owner.kind != "draft"):
        return True  # public information (published procedures and answers)
    if role == "anonymous":
        return False
    if role not in rule.read:
        return False
    if owner is None:
        return True
    region = getattr(user, "region_id", None)
    if owner.kind == "catalogue":
        return True
    if owner.region is not None and role != "beheerder" and owner.region != region:
        return False
    if role == "beheerder" and owner.kind in ("client", "submission", "draft", "team"):
        return False
    if owner.kind == "client":
        if role in ("raad", "beheerder"):
            return False
        pairs = owner.pairs or ((owner.municipality, owner.provider),)
        if role == "gemeente":
            own = set(user.municipalities.values_list("pk", flat=True))
            return any(m in own for m, _p in pairs)
        if role == "aanbieder":
            return any(p == user.provider_id for _m, p in pairs)
        return True
    if owner.kind in ("scenario", "scenario_published"):
        # Budget scenarios: the regional team; municipality staff those of their own
        # municipalities (not region-wide ones); the council published ones only.
        if role == "raad":
            return owner.kind == "scenario_published"
        if role == "gemeente":
            return owner.municipality in set(user.municipalities.values_list("pk", flat=True))
        return role in ("regio", "regio_b")
    if owner.kind == "municipality" and role == "gemeente":
        return owner.municipality in set(user.municipalities.values_list("pk", flat=True))
    if owner.kind in ("register", "submission") and role == "aanbieder":
        return owner.provider in (None, user.provider_id)
    if owner.kind == "submission":
        return role in ("regio", "regio_b", "aanbieder")
    if owner.kind in ("draft", "team"):
        return role in ("regio", "regio_b")
    return True


# --- the world -------------------------------------------------------------------------------


@pytest.fixture
def world():
    call_command("demo", "--scale", "0.05", stdout=StringIO())
    from zorgregio.aanbieders.tests.factories import ProviderFactory
    from zorgregio.accounts.tests.factories import UserFactory
    from zorgregio.berichten.models import FileStatus, ImportBatch, MessageFile
    from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
    from zorgregio.monitor.tests.factories import RegelFactory, care
    from zorgregio.producten.models import Product
    from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory
    from zorgregio.toelating.models import Procedure
    from zorgregio.zorg.models import Declaratie

    other = RegionFactory(name="Zorgregio Zuidwest-Drenthe")
    meppel = MunicipalityFactory(region=other, cbs_code="0119", name="Meppel", province="Drenthe")
    provider = ProviderFactory(name="Drentse Zorg BV")
    provider.regions.add(other)
    team_b = UserFactory(username="regio-b", regional_team=True, region=other)
    product = Product.objects.filter(law="wmo").first()
    agreement = FrameworkAgreement.objects.create(
        region=other, name="Raamovereenkomst Drenthe", laws=["wmo"], valid_from=dt.date(2026, 1, 1)
    )
    Admission.objects.create(
        agreement=agreement, provider=provider, product=product, municipality=meppel,
        status=AdmissionStatus.ACTIVE, valid_from=dt.date(2026, 1, 1),
    )  # fmt: skip
    toewijzing = care(start=dt.date(2026, 1, 1), product=product, municipality=meppel,
                      provider=provider)  # fmt: skip
    line = RegelFactory(
        client=toewijzing.client, municipality=meppel, provider=provider, product=product,
        period_start=dt.date(2026, 2, 1),
    )  # fmt: skip
    MessageFile.objects.create(
        sha256="b" * 64, name="meppel-323.xml", size=1, stored_path="/nonexistent",
        status=FileStatus.PROCESSED, municipality=meppel, provider=provider,
    )  # fmt: skip
    Declaratie.objects.filter(pk=line.declaratie_id).update(source=MessageFile.objects.last())
    ImportBatch.objects.create(created_by=team_b, names=["x.xml"], total_files=1)
    demo_procedure = Procedure.objects.filter(status="gepubliceerd").first()
    Procedure.objects.create(
        region=other, reference="drenthe-2027", title="Toelating Drenthe 2027",
        agreement=agreement, **{
            f.name: getattr(demo_procedure, f.name)
            for f in Procedure._meta.concrete_fields
            if f.name not in ("id", "region", "reference", "title", "agreement", "created_at",
                              "updated_at")
        },
    )  # fmt: skip
    from zorgregio.monitor.services import refresh_after_import

    refresh_after_import()
    users = {
        "regio": User.objects.get(username="demo-regio"),
        "gemeente": User.objects.get(username="demo-apeldoorn"),
        "aanbieder": User.objects.get(username="demo-aanbieder"),
        "raad": User.objects.get(username="demo-raad"),
        "beheerder": User.objects.get(username="demo-beheer"),
        "regio_b": team_b,
    }
    assert users["gemeente"].role == Role.MUNICIPALITY and users["aanbieder"].provider_id
    return {"users": users, "region_b": other}


# --- what each URL takes ----------------------------------------------------------------------


def _sample(qs, n=40):
    return list(qs.order_by("pk")[:n])


def objs(model_path, owner, filters=None, kwargs=lambda o: {"pk": o.pk}):
    """Objects of a model with their owner: a sample of every region, municipality, provider."""

    def get(world):
        from django.apps import apps

        model = apps.get_model(model_path)
        qs = model.objects.all()
        if filters:
            qs = qs.filter(**filters)
        return [(kwargs(o), owner(o)) for o in _sample(qs)]

    return get


def _region_of_municipality(m_id):
    from zorgregio.regio.models import Municipality

    return Municipality.objects.filter(pk=m_id).values_list("region_id", flat=True).first()


def client_owner(o):
    return Owner("client", _region_of_municipality(o.municipality_id), o.municipality_id,
                 o.provider_id)  # fmt: skip


def clients(world):
    from zorgregio.zorg.models import DeclaratieRegel, Toewijzing

    out = []
    for t in _sample(Toewijzing.objects.all()):
        pairs = set(
            Toewijzing.objects.filter(client_id=t.client_id).values_list(
                "municipality_id", "provider_id"
            )
        ) | set(
            DeclaratieRegel.objects.filter(client_id=t.client_id).values_list(
                "municipality_id", "provider_id"
            )
        )
        owner = client_owner(t)
        owner.pairs = tuple(pairs)
        out.append(({"pk": t.client_id}, owner))
    return out


def municipalities(kind="municipality"):
    return objs(
        "regio.Municipality",
        lambda o: Owner(kind, o.region_id, o.pk),
        kwargs=lambda o: {"cbs_code": o.cbs_code},
    )


def providers(kind="register"):
    def get(world):
        from zorgregio.aanbieders.models import Provider

        out = []
        for p in _sample(Provider.objects.all()):
            region = p.regions.values_list("pk", flat=True).first()
            out.append(({"pk": p.pk}, Owner(kind, region, None, p.pk)))
        return out

    return get


def admissions(world):
    from zorgregio.contracten.models import Admission

    return [
        ({"pk": a.pk}, Owner("register", a.agreement.region_id, a.municipality_id, a.provider_id))
        for a in _sample(Admission.objects.select_related("agreement"))
    ]


def amendments(world):
    from zorgregio.contracten.models import Amendment

    return [
        ({"pk": a.pk}, Owner("register", a.agreement.region_id, None, a.provider_id))
        for a in _sample(Amendment.objects.select_related("agreement"))
    ]


def subcontractors(world):
    from zorgregio.contracten.models import Subcontractor

    return [
        ({"pk": s.pk}, Owner("team", s.agreement.region_id, None, s.main_provider_id))
        for s in _sample(Subcontractor.objects.select_related("agreement"))
    ]


def agreements(kind="region"):
    return objs("contracten.FrameworkAgreement", lambda o: Owner(kind, o.region_id))


def history(world):
    out = []
    for kwargs, owner in admissions(world):
        out.append(({"kind": "deelname", **kwargs}, owner))
    for kwargs, owner in agreements()(world):
        out.append(({"kind": "raamovereenkomst", **kwargs}, owner))
    return out


def procedures(kind=None):
    def get(world):
        from zorgregio.toelating.models import Procedure, ProcedureStatus

        return [
            (
                {"pk": p.pk},
                Owner(
                    kind or ("draft" if p.status == ProcedureStatus.DRAFT else "region"),
                    p.region_id,
                ),
            )  # fmt: skip
            for p in _sample(Procedure.objects.all())
        ]

    return get


def applications(world, submitted=False):
    from zorgregio.toelating.models import Application, ApplicationStatus

    qs = Application.objects.select_related("procedure")
    if submitted:
        qs = qs.exclude(status=ApplicationStatus.DRAFT)
    return [
        ({"pk": a.pk}, Owner("submission", a.procedure.region_id, None, a.provider_id))
        for a in _sample(qs)
    ]


def submitted_applications(world):
    return applications(world, submitted=True)


def evidence(world):
    from zorgregio.toelating.models import EvidenceFile

    return [
        (
            {"pk": e.pk},
            Owner("submission", e.application.procedure.region_id, None, e.application.provider_id),
        )  # fmt: skip
        for e in _sample(EvidenceFile.objects.select_related("application__procedure"))
    ]


def decisions(world):
    from zorgregio.toelating.models import Decision

    return [
        (
            {"pk": d.pk},
            Owner("submission", d.application.procedure.region_id, None, d.application.provider_id),
        )  # fmt: skip
        for d in _sample(Decision.objects.select_related("application__procedure"))
    ]


def message_files(world):
    from zorgregio.berichten.models import MessageFile

    out = []
    for f in _sample(MessageFile.objects.exclude(municipality=None)):
        out.append(({"pk": f.pk}, client_owner(f)))
    return out


def declaraties(world):
    from zorgregio.zorg.models import Declaratie

    return [({"pk": d.pk}, client_owner(d)) for d in _sample(Declaratie.objects.all())]


def batches(world):
    from zorgregio.berichten.models import ImportBatch

    return [
        ({"pk": b.pk}, Owner("team", b.created_by.region_id if b.created_by else None))
        for b in _sample(ImportBatch.objects.select_related("created_by"))
    ]


def catalogue(model_path, kwargs=lambda o: {"pk": o.pk}):
    return objs(model_path, lambda o: Owner("catalogue"), kwargs=kwargs)


def budgets(world):
    from zorgregio.monitor.models import Budget

    return [
        (
            {"pk": b.pk},
            Owner("municipality", _region_of_municipality(b.municipality_id), b.municipality_id),
        )  # fmt: skip
        for b in _sample(Budget.objects.all())
    ]


def import_kinds(world):
    from zorgregio.inrichting.registry import imports

    return [({"slug": item.slug}, Owner("team")) for item in imports()][:3]


def import_templates(world):
    return [({"fmt": "csv", **kwargs}, owner) for kwargs, owner in import_kinds(world)]


def scenarios(world):
    """The demo's scenarios of Apeldoorn (published), plus an unpublished one of Zutphen, a
    region-wide one and one of the second region."""
    from zorgregio.regio.models import Municipality
    from zorgregio.scenario.models import Scenario

    demo_region = world["users"]["regio"].region
    zutphen = Municipality.objects.get(cbs_code="0301")
    meppel = Municipality.objects.get(cbs_code="0119")
    Scenario.objects.get_or_create(region=demo_region, municipality=zutphen, name="Intern")
    Scenario.objects.get_or_create(region=demo_region, municipality=None, name="Regio")
    Scenario.objects.get_or_create(region=world["region_b"], municipality=meppel, name="Meppel")
    return [
        (
            {"pk": s.pk},
            Owner(
                "scenario_published" if s.published else "scenario",
                s.region_id,
                s.municipality_id,
            ),
        )
        for s in _sample(Scenario.objects.all())
    ]


def signals(world):
    from zorgregio.toezicht.models import Signal

    qs = Signal.objects.all()
    sample = _sample(qs.exclude(municipality=None), 30) + _sample(qs.filter(municipality=None), 5)
    return [
        ({"pk": s.pk}, Owner("municipality", s.region_id, s.municipality_id, s.provider_id))
        for s in sample
    ]


def cases(world):
    from zorgregio.toezicht.models import Case

    return [
        ({"pk": c.pk}, Owner("municipality", c.region_id, c.municipality_id, c.provider_id))
        for c in _sample(Case.objects.all())
    ]


def case_documents(world):
    from zorgregio.toezicht.models import CaseDocument

    return [
        (
            {"pk": d.case_id, "document": d.pk},
            Owner("municipality", d.case.region_id, d.case.municipality_id, d.case.provider_id),
        )  # fmt: skip
        for d in _sample(CaseDocument.objects.select_related("case"))
    ]


def region_themes(world):
    """Every region with a theme and a logo (a logo is public: shown before the login too)."""
    from zorgregio.regio.models import Region
    from zorgregio.web.models import RegionTheme

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    for region in Region.objects.all():
        RegionTheme.objects.get_or_create(
            region=region, defaults={"logo": png, "logo_type": "image/png", "logo_alt": "logo"}
        )
    return [({"region_id": r.pk}, Owner("catalogue")) for r in Region.objects.all()]


def finder_municipalities(world):
    """Every municipality's public finder page (the second region's too), by its slug."""
    from zorgregio.vinder.selectors import finder_municipalities, municipality_slug

    return [
        ({"gemeente": municipality_slug(m)}, Owner("catalogue"))
        for m in _sample(finder_municipalities())
    ]


def finder_providers(world):
    """A provider's public page in a municipality: public where it has an admission that holds
    today (also in the second region), a 404 for everyone where it has none."""
    from django.utils import timezone

    from zorgregio.accounts.scoping import public_admissions
    from zorgregio.contracten.models import Admission
    from zorgregio.regio.models import Municipality
    from zorgregio.vinder.selectors import municipality_slug

    today = timezone.localdate()
    pairs = set(
        public_admissions(Admission.objects.all(), day=today).values_list(
            "municipality_id", "provider_id"
        )
    )
    municipalities = Municipality.objects.in_bulk()
    out = [
        ({"gemeente": municipality_slug(municipalities[m]), "pk": p}, Owner("catalogue"))
        for m, p in sorted(pairs)[:20]
    ]
    not_there = (
        Admission.objects.exclude(status__in=("actief", "clientenstop"))
        .values_list("municipality_id", "provider_id")
        .order_by("pk")
    )
    out += [
        ({"gemeente": municipality_slug(municipalities[m]), "pk": p}, Owner("nobody"))
        for m, p in list(not_there)[:40]
        if (m, p) not in pairs
    ][:10]
    return out


def offer_providers(world):
    """The edit screen of a provider's offer: the provider itself and its region's team."""
    from zorgregio.aanbieders.models import Provider

    return [
        (
            {"pk": p.pk},
            Owner("register", p.regions.values_list("pk", flat=True).first(), None, p.pk),
        )
        for p in _sample(Provider.objects.filter(regions__isnull=False).distinct())
    ]


def public_regions(world):
    """The open data pages of every region (public: anyone reads every region's)."""
    from zorgregio.regio.models import Region

    regions = Region.objects.filter(municipalities__isnull=False).distinct()
    return [({"region": r.slug}, Owner("region", r.pk)) for r in regions]


def public_municipalities(world):
    from zorgregio.regio.models import Municipality

    return [
        (
            {"region": m.region.slug, "cbs_code": m.cbs_code},
            Owner("municipality", m.region_id, m.pk),
        )
        for m in _sample(Municipality.objects.select_related("region"), 12)
    ]


def ocids(world):
    from zorgregio.contracten.models import FrameworkAgreement
    from zorgregio.opendata import ocds

    return [
        ({"ocid": ocds.ocid(a)}, Owner("region", a.region_id))
        for a in _sample(FrameworkAgreement.objects.select_related("region"))
    ]


REGIO = frozenset({"regio", "regio_b"})
SCENARIO_READERS = frozenset({"regio", "regio_b", "gemeente", "raad"})
SCENARIO_WRITERS = frozenset({"regio", "regio_b", "gemeente"})
SUPERVISORS = frozenset({"regio", "regio_b", "gemeente"})
CLIENT_ROLES = frozenset({"regio", "regio_b", "gemeente", "aanbieder"})
UPLOADERS = frozenset({"regio", "regio_b", "gemeente"})
SUBMITTERS = frozenset({"regio", "regio_b", "aanbieder"})

RULES: dict[str, Rule] = {
    # the API
    "api-root": Rule(),
    "api-schema": Rule(),
    "api-docs": Rule(),
    "municipality-list": Rule(),
    "municipality-detail": Rule(municipalities("municipality")),
    "provider-list": Rule(write=REGIO),
    "provider-detail": Rule(providers(), write=REGIO),
    "product-list": Rule(),
    "product-detail": Rule(catalogue("producten.Product")),
    "purchase-matrix-list": Rule(),
    "purchase-matrix-detail": Rule(catalogue("producten.PurchaseMatrixEntry")),
    "tariff-list": Rule(),
    "tariff-detail": Rule(catalogue("producten.Tariff")),
    "group-variant-list": Rule(),
    "group-variant-detail": Rule(
        objs(
            "producten.GroupVariant",
            lambda o: Owner("region", _region_of_municipality(o.municipality_id)),
        )
    ),
    "data-delivery-list": Rule(read=CLIENT_ROLES, write=frozenset({"aanbieder"})),
    "agreement-list": Rule(),
    "agreement-detail": Rule(agreements()),
    "admission-list": Rule(write=REGIO),
    "admission-detail": Rule(admissions),
    "admission-transition": Rule(admissions, write=REGIO, get=False),
    "amendment-list": Rule(write=SUBMITTERS),
    "amendment-detail": Rule(amendments),
    "amendment-decide": Rule(amendments, write=REGIO, get=False),
    "admission-procedure-list": Rule(public=True),
    "admission-procedure-detail": Rule(procedures(), public=True),
    "published-answer-list": Rule(public=True),
    "published-answer-detail": Rule(
        objs(
            "toelating.Question",
            lambda o: Owner("region", o.procedure.region_id),
            filters={"status": "gepubliceerd"},
        ),
        public=True,
    ),
    "admission-application-list": Rule(),
    "admission-application-detail": Rule(applications),
    "admission-decision-list": Rule(),
    "admission-decision-detail": Rule(decisions),
    "messagefile-list": Rule(),
    "messagefile-detail": Rule(message_files, read=CLIENT_ROLES),
    "monitor-figures-list": Rule(),
    "monitor-budget-list": Rule(),
    "monitor-budget-detail": Rule(budgets),
    "toezicht-signal-list": Rule(read=SUPERVISORS),
    "toezicht-signal-detail": Rule(signals, read=SUPERVISORS),
    "toezicht-case-list": Rule(read=SUPERVISORS),
    "toezicht-case-detail": Rule(cases, read=SUPERVISORS),
    "toezicht-waiting-list": Rule(read=CLIENT_ROLES, write=frozenset({"aanbieder"})),
    "toezicht-satisfaction-list": Rule(),
    # pages
    "home": Rule(),
    "theme": Rule(read=REGIO, write=REGIO),  # the regional team sets its own region's theme
    "theme_logo": Rule(region_themes, public=True),
    "theme_css": Rule(region_themes, public=True),
    "municipality": Rule(municipalities("municipality")),
    "producten:index": Rule(),
    "producten:product_create": Rule(read=REGIO, write=REGIO),
    "producten:product": Rule(catalogue("producten.Product"), write=REGIO),
    "producten:product_edit": Rule(catalogue("producten.Product"), read=REGIO, write=REGIO),
    "producten:calculation_latest": Rule(catalogue("producten.Product"), write=REGIO),
    "producten:calculation": Rule(
        catalogue(
            "producten.CostCalculation", lambda o: {"pk": o.product_id, "version": o.version}
        ),
        write=REGIO,
    ),  # fmt: skip
    "producten:calculation_apply": Rule(
        catalogue(
            "producten.CostCalculation", lambda o: {"pk": o.product_id, "version": o.version}
        ),
        write=REGIO,
    ),  # fmt: skip
    "producten:calculation_compare": Rule(catalogue("producten.Product")),
    "producten:matrix": Rule(write=REGIO),
    "producten:tariffs": Rule(write=REGIO),
    "producten:export_catalogue": Rule(),
    "producten:indexations": Rule(write=REGIO),
    "producten:indexation": Rule(catalogue("producten.Indexation"), write=REGIO),
    "producten:import": Rule(read=REGIO, write=REGIO),
    "producten:variants": Rule(write=REGIO),
    "producten:task_budgets": Rule(read=CLIENT_ROLES, write=REGIO),
    "producten:data_deliveries": Rule(read=CLIENT_ROLES, write=frozenset({"aanbieder"})),
    "contracten:index": Rule(),
    "contracten:export": Rule(),
    "contracten:agreement_new": Rule(read=REGIO, write=REGIO),
    "contracten:agreement": Rule(agreements(), write=REGIO),
    "contracten:agreement_edit": Rule(agreements("team"), read=REGIO, write=REGIO),
    "contracten:provider": Rule(providers(), write=SUBMITTERS),
    "contracten:admission_new": Rule(read=REGIO, write=REGIO),
    "contracten:admission": Rule(admissions, write=REGIO),
    "contracten:amendments": Rule(),
    "contracten:amendment_new": Rule(read=SUBMITTERS, write=SUBMITTERS),
    "contracten:amendment": Rule(amendments, write=REGIO),
    "contracten:subcontractor_decide": Rule(subcontractors, read=REGIO, write=REGIO, get=False),
    "contracten:worklist": Rule(read=frozenset({"regio", "regio_b", "gemeente"}), write=REGIO),
    "contracten:history": Rule(history),
    "toelating:index": Rule(),
    "toelating:procedure_new": Rule(read=REGIO, write=REGIO),
    "toelating:procedure": Rule(procedures(), write=REGIO),
    "toelating:requirements": Rule(procedures(), write=REGIO),
    "toelating:thresholds": Rule(procedures(), write=REGIO),
    "toelating:questions": Rule(procedures(), write=SUBMITTERS),
    "toelating:applications": Rule(procedures("team"), read=REGIO),
    "toelating:application_start": Rule(
        procedures(), read=frozenset({"aanbieder"}), write=frozenset({"aanbieder"}), get=False
    ),
    "toelating:application": Rule(applications, read=SUBMITTERS, write=SUBMITTERS),
    "toelating:assessment": Rule(submitted_applications, read=REGIO, write=REGIO),
    "toelating:receipt": Rule(submitted_applications, read=SUBMITTERS),
    "toelating:evidence": Rule(evidence, read=SUBMITTERS),
    "toelating:letter": Rule(decisions, read=SUBMITTERS),
    "zorg:index": Rule(read=CLIENT_ROLES),
    "zorg:client": Rule(clients, read=CLIENT_ROLES),
    "berichten:index": Rule(read=CLIENT_ROLES),
    "berichten:file": Rule(message_files, read=CLIENT_ROLES),
    "berichten:upload": Rule(read=UPLOADERS, write=UPLOADERS),
    "berichten:batch": Rule(batches, read=UPLOADERS),
    "berichten:declaratie": Rule(declaraties, read=CLIENT_ROLES),
    "berichten:answer325": Rule(declaraties, read=UPLOADERS),
    "monitor:index": Rule(),
    "monitor:index_xlsx": Rule(),
    "monitor:municipality": Rule(municipalities()),
    "monitor:municipality_xlsx": Rule(municipalities()),
    "monitor:report": Rule(municipalities()),
    "monitor:group": Rule(catalogue("producten.ProductGroup", lambda o: {"code": o.code})),
    "monitor:pilot": Rule(catalogue("producten.ProductGroup", lambda o: {"code": o.code})),
    "monitor:group_xlsx": Rule(catalogue("producten.ProductGroup", lambda o: {"code": o.code})),
    "monitor:provider": Rule(providers("register"), read=CLIENT_ROLES),
    "monitor:provider_xlsx": Rule(providers("register"), read=CLIENT_ROLES),
    "monitor:budgets": Rule(
        read=frozenset({"regio", "regio_b", "gemeente", "beheerder"}),
        write=frozenset({"regio", "regio_b", "gemeente"}),
    ),  # fmt: skip
    "scenario:index": Rule(read=SCENARIO_READERS),
    "scenario:new": Rule(read=REGIO, write=REGIO),  # without ?gemeente=: the whole region
    "scenario:preview": Rule(read=REGIO),
    "scenario:compare": Rule(read=SCENARIO_READERS),
    "scenario:compare_xlsx": Rule(read=SCENARIO_READERS),
    "scenario:detail": Rule(scenarios, read=SCENARIO_READERS, write=SCENARIO_WRITERS),
    "scenario:xlsx": Rule(scenarios, read=SCENARIO_READERS),
    "scenario:publish": Rule(
        scenarios, read=SCENARIO_READERS, write=SCENARIO_WRITERS, get=False
    ),  # fmt: skip
    "toezicht:index": Rule(read=SUPERVISORS),
    "toezicht:signals_xlsx": Rule(read=SUPERVISORS),
    "toezicht:signal": Rule(signals, read=SUPERVISORS),
    "toezicht:case_create": Rule(signals, read=SUPERVISORS, write=SUPERVISORS, get=False),
    "toezicht:cases": Rule(read=SUPERVISORS),
    "toezicht:case": Rule(cases, read=SUPERVISORS, write=SUPERVISORS),
    "toezicht:case_document": Rule(case_documents, read=SUPERVISORS),
    "toezicht:worklist": Rule(read=SUPERVISORS),
    "toezicht:worklist_xlsx": Rule(read=SUPERVISORS),
    "toezicht:provider": Rule(providers("region"), read=SUPERVISORS),
    "toezicht:thresholds": Rule(read=SUPERVISORS, write=REGIO),
    "toezicht:waiting": Rule(read=CLIENT_ROLES, write=SUBMITTERS),
    "toezicht:turning18": Rule(read=SUPERVISORS),
    "toezicht:turning18_xlsx": Rule(read=SUPERVISORS),
    "vinder:index": Rule(public=True),
    "vinder:finder": Rule(finder_municipalities, public=True),
    "vinder:provider": Rule(finder_providers, public=True),
    "vinder:offer_edit": Rule(offer_providers, read=SUBMITTERS, write=SUBMITTERS),
    "open-providers": Rule(public=True),  # the finder as open data, read-only
    "inrichting:index": Rule(read=REGIO),
    "inrichting:role_changes": Rule(read=REGIO, write=REGIO),
    "inrichting:import": Rule(import_kinds, read=REGIO, write=REGIO),
    "inrichting:template": Rule(import_templates, read=REGIO),
    # open data: public pages and the public API, read-only for everyone (issue 18)
    "opendata:index": Rule(public=True),
    "opendata:region": Rule(public_regions, public=True),
    "opendata:region_csv": Rule(public_regions, public=True),
    "opendata:municipality": Rule(public_municipalities, public=True),
    "opendata:municipality_csv": Rule(public_municipalities, public=True),
    "open-regions": Rule(public=True),
    "open-figures": Rule(public_regions, public=True),
    "open-figures-csv": Rule(public_regions, public=True),
    "open-ocds-releases": Rule(public=True),
    "open-ocds-release": Rule(ocids, public=True),
    "open-ocds-records": Rule(public=True),
    "open-ocds-record": Rule(ocids, public=True),
    "open-ocds-bulk-releases": Rule(public=True),
    "open-ocds-bulk-records": Rule(public=True),
    "open-api-schema": Rule(public=True),
    "open-api-schema-yaml": Rule(public=True),
}


def _walk(resolver, ns=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{ns}{pattern.namespace}:" if pattern.namespace else ns
            if pattern.app_name == "admin" or str(pattern.pattern).startswith("beheer"):
                continue
            yield from _walk(pattern, space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ns + pattern.name


def url_names() -> set[str]:
    return set(_walk(get_resolver()))


def test_every_url_is_in_the_matrix():
    missing = url_names() - set(RULES) - PUBLIC
    assert not missing, f"say who may use these (tests/test_authorization_matrix.py): {missing}"
    assert not (set(RULES) - url_names()), "the matrix names URLs that no longer exist"


def _client(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def _status(client, method, url):
    response = getattr(client, method)(url)
    return response.status_code, response


def test_no_role_reads_or_writes_another_scopes_data(world):
    from django.urls import reverse

    failures: list[str] = []
    checked_owner_reads = 0
    clients = {role: _client(world, role) for role in ROLES}
    for name, rule in sorted(RULES.items()):
        candidates = rule.objects(world) if rule.objects else [({}, None)]
        if rule.objects:
            assert candidates, f"{name}: the world has no object for it"
        for role in ROLES:
            user = world["users"].get(role)
            client = clients[role]
            shown_own = False
            # Per role: its own object once, and a few of other scopes, each of another owner
            # (another region, municipality or provider), read and written.
            tried: set[tuple] = set()
            for kwargs, owner in candidates:
                url = reverse(name, kwargs=kwargs)
                allowed = may_read(role, user, owner, rule)
                who = None if owner is None else (owner.region, owner.municipality, owner.provider)
                if (allowed and shown_own) or (not allowed and (who in tried or len(tried) >= 4)):
                    continue
                if not allowed:
                    tried.add(who)
                if not rule.get:
                    pass  # refusing the POST is what counts; its GET is 405 for everyone
                elif not allowed:
                    status, response = _status(client, "get", url)
                    if role == "anonymous":
                        ok = status in (401, 403) or (
                            status == 302 and "/inloggen/" in response.get("Location", "")
                        )
                        # a public page of what is not there: a 404 for everyone
                        ok = ok or (rule.public and status == 404)
                    else:
                        ok = status in DENIED
                    if not ok:
                        failures.append(f"GET {url} as {role} ({owner}): {status}")
                elif role in ("regio", "gemeente", "aanbieder", "anonymous"):
                    status, _response = _status(client, "get", url)
                    if status not in (200, 302):
                        failures.append(f"GET {url} as {role}, its own: {status}")
                    checked_owner_reads += 1
                shown_own = shown_own or allowed
                may_write = allowed and role in rule.write
                if not may_write:
                    status, response = _status(client, "post", url)
                    if role == "anonymous":
                        ok = status in (401, 403, 405) or (
                            status == 302 and "/inloggen/" in response.get("Location", "")
                        )
                    else:
                        ok = status in DENIED_WRITE
                    if not ok:
                        failures.append(f"POST {url} as {role} ({owner}): {status}")
    assert not failures, "\n".join(failures[:400]) + f"\n({len(failures)} in all)"
    assert checked_owner_reads > 150
