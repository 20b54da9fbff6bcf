"""Open Contracting Data Standard (OCDS 1.1) for the region's contracting: the framework
agreement, the Open House admission procedures, the admissions and the accepted amendments as
releases, records and packages (docs/opendata.md has the mapping table).

One contracting process (one ``ocid``) per framework agreement: ``ZORGREGIO_OCDS_PREFIX``, the
region's short name and the agreement's number. Its tender is the agreement's Open House (the
techniques extension: a framework agreement without reopening of competition, open to every
provider that qualifies during its term, modelled as a dynamic purchasing system); each
admission (deelname: a provider x product or product group x municipality) is a contract under
the provider's award; status changes of an admission are contract updates and terminations;
accepted amendments are amendments of the tender, the award or the contracts they change.

Only public information: no client data at all, no figures from the monitor, no draft
admissions, procedures or amendment proposals, no texts written about a provider (motivations,
reasons). The tariffs are published per item (unit value), as the region publishes them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from zorgregio.contracten.models import (
    Admission,
    AdmissionStatus,
    AdmissionTransition,
    Amendment,
    AmendmentStatus,
    FrameworkAgreement,
)
from zorgregio.toelating.models import Procedure, ProcedureStatus

OCDS_VERSION = "1.1"
TECHNIQUES_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_techniques_extension/master/extension.json"
)
EXTENSIONS = [TECHNIQUES_EXTENSION]
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

CONTRACT_STATUS = {
    AdmissionStatus.CONCEPT: "pending",
    AdmissionStatus.ACTIVE: "active",
    AdmissionStatus.CLIENT_STOP: "active",
    AdmissionStatus.ENDED: "terminated",
}


def prefix() -> str:
    return getattr(settings, "ZORGREGIO_OCDS_PREFIX", "ocds-zorgrg")


def ocid(agreement: FrameworkAgreement) -> str:
    return f"{prefix()}-{agreement.region.slug}-ro{agreement.pk}"


def _when(value) -> str | None:
    """An OCDS date-time: a datetime in Dutch time, a date as its start (00:00 Dutch time)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, AMSTERDAM)
        return value.astimezone(AMSTERDAM).isoformat(timespec="seconds")
    return dt.datetime.combine(value, dt.time.min, tzinfo=AMSTERDAM).isoformat()


def _until(value: dt.date | None) -> str | None:
    """The end of an inclusive end date (23:59:59 Dutch time)."""
    if value is None:
        return None
    return dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=AMSTERDAM).isoformat()


def _period(start, end) -> dict:
    period = {"startDate": _when(start)}
    if end is not None:
        period["endDate"] = _until(end)
    return period


def _site(path: str) -> str:
    return settings.ZORGREGIO_SITE_URL.rstrip("/") + path


# --- parties and items ------------------------------------------------------------------------


def _region_party(region) -> dict:
    return {
        "id": f"regio-{region.slug}",
        "name": region.name,
        "roles": ["buyer", "procuringEntity"],
        "address": {"countryName": "Nederland"},
    }


def _municipality_party(municipality) -> dict:
    return {
        "id": f"gemeente-{municipality.cbs_code}",
        "name": f"Gemeente {municipality.name}",
        "roles": ["buyer"],
        "address": {"region": municipality.province, "countryName": "Nederland"},
        "details": {"cbsCode": municipality.cbs_code},
    }


def _provider_id(provider) -> str:
    return f"aanbieder-{provider.kvk_number or provider.pk}"


def _provider_party(provider) -> dict:
    party = {"id": _provider_id(provider), "name": provider.name, "roles": ["supplier"]}
    if provider.kvk_number:
        party["identifier"] = {
            "scheme": "NL-KVK",
            "id": provider.kvk_number,
            "legalName": provider.name,
        }
    return party


def _ref(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


class _Tariffs:
    """The published tariff of a product for a municipality on a day, looked up once."""

    def __init__(self):
        self.cache: dict[tuple, int | None] = {}

    def cents(self, product, municipality, day) -> int | None:
        from zorgregio.producten.selectors import tariff_on

        key = (product.pk, municipality.pk if municipality else None, day)
        if key not in self.cache:
            tariff = tariff_on(product, municipality, day)
            self.cache[key] = tariff.amount_cents if tariff else None
        return self.cache[key]


def _product_item(product, *, municipality=None, day=None, tariffs=None) -> dict:
    from zorgregio.common.formatting import unit_label

    item = {
        "id": f"product-{product.pk}",
        "description": product.name,
        "classification": {
            "scheme": "iWmo" if product.law == "wmo" else "iJw",
            "id": product.code,
            "description": product.name,
        },
        "unit": {"name": str(unit_label(product.law, product.unit))},
    }
    if tariffs is not None and day is not None:
        cents = tariffs.cents(product, municipality, day)
        if cents is not None:
            item["unit"]["value"] = {"amount": cents / 100, "currency": "EUR"}
    return item


def _group_item(group) -> dict:
    return {
        "id": f"productgroep-{group.pk}",
        "description": group.name,
        "classification": {
            "scheme": "iWmo-productcategorie" if group.law == "wmo" else "iJw-productcategorie",
            "id": group.code,
            "description": group.name,
        },
    }


def _admission_item(admission, tariffs) -> dict:
    if admission.product_id:
        return _product_item(
            admission.product,
            municipality=admission.municipality,
            day=admission.valid_from,
            tariffs=tariffs,
        )
    return _group_item(admission.product_group)


# --- the tender -------------------------------------------------------------------------------


def _techniques(agreement) -> dict:
    return {
        "hasFrameworkAgreement": True,
        "frameworkAgreement": {
            "method": "withoutReopeningCompetition",
            "minimumParticipants": 1,
            "buyerCategories": "De gemeenten van de zorgregio",
            "description": (
                "Open House: elke aanbieder die aan de gepubliceerde eisen voldoet, wordt "
                "toegelaten, zonder rangschikking; de gemeente wijst een cliënt toe aan de "
                "toegelaten aanbieder die de cliënt kiest."
            ),
        },
        "hasDynamicPurchasingSystem": True,
        "dynamicPurchasingSystem": {
            "type": "closed",
            "status": "active"
            if agreement.valid_until is None or agreement.valid_until >= timezone.localdate()
            else "terminated",
        },
    }


def _base_tender(agreement) -> dict:
    return {
        "id": f"raamovereenkomst-{agreement.pk}",
        "title": agreement.name,
        "status": "active",
        "procuringEntity": _ref(_region_party(agreement.region)),
        "procurementMethod": "open",
        "procurementMethodDetails": "Open House (toelatingsprocedure)",
        "mainProcurementCategory": "services",
        "awardCriteria": "qualityOnly",
        "awardCriteriaDetails": (
            "Geen rangschikking: elke aanbieder die aan de eisen voldoet, wordt toegelaten."
        ),
        "submissionMethod": ["electronicSubmission"],
        "contractPeriod": _period(agreement.valid_from, agreement.valid_until),
        "techniques": _techniques(agreement),
    }


def _procedure_tender(agreement, procedure: Procedure) -> dict:
    tender = _base_tender(agreement)
    tender["description"] = procedure.description or procedure.title
    tender["procurementMethodDetails"] = f"Open House (toelatingsprocedure): {procedure.title}"
    items = []
    for lot in procedure.lots.all():
        for product in lot.products.all():
            items.append(_product_item(product))
    if items:
        tender["items"] = items
    windows = list(procedure.windows.all())
    if windows:
        tender["tenderPeriod"] = {
            "startDate": _when(min(w.opens_at for w in windows)),
            "endDate": _when(max(w.closes_at for w in windows)),
        }
    tender["enquiryPeriod"] = {"endDate": _when(procedure.question_deadline)}
    documents = [
        {
            "id": "publicatie",
            "documentType": "tenderNotice",
            "title": procedure.title,
            "url": _site(reverse("toelating:public_procedure", args=[procedure.pk])),
            "language": "nl",
        }
    ]
    for document in procedure.documents.all():
        documents.append(
            {
                "id": f"document-{document.pk}",
                "documentType": "biddingDocuments",
                "title": f"{document.title} (versie {document.version})",
                "url": _site(reverse("toelating:document", args=[document.pk])),
                "datePublished": _when(document.uploaded_at),
                "format": document.content_type,
                "language": "nl",
            }
        )
    tender["documents"] = documents
    return tender


# --- releases ---------------------------------------------------------------------------------


def _release(agreement, parties, *, suffix: str, date, tag: list[str], **parts) -> dict:
    region = _region_party(agreement.region)
    release = {
        "ocid": ocid(agreement),
        "id": f"{ocid(agreement)}-{suffix}",
        "date": _when(date),
        "tag": tag,
        "initiationType": "tender",
        "language": "nl",
        "buyer": _ref(region),
        "parties": parties,
    }
    release.update(parts)
    return release


def public_agreements(region=None):
    qs = FrameworkAgreement.objects.select_related("region").order_by("region__slug", "pk")
    if region is not None:
        qs = qs.filter(region=region)
    return qs


def public_procedures_of(agreement):
    return (
        Procedure.objects.filter(
            agreement=agreement,
            status__in=(ProcedureStatus.PUBLISHED, ProcedureStatus.CLOSED),
        )
        .prefetch_related("windows", "documents", Prefetch("lots__products"))
        .order_by("published_at", "pk")
    )


def public_admissions_of(agreement):
    """Admissions that are or were in force: not drafts that never became active."""
    return (
        Admission.objects.filter(agreement=agreement)
        .exclude(status=AdmissionStatus.CONCEPT, activated_on__isnull=True)
        .select_related("provider", "product", "product_group", "municipality")
        .order_by("pk")
    )


def _fingerprint(agreement) -> str:
    """What the releases of an agreement are built from, summarised in a few aggregates: any
    change to the agreement, its procedures, admissions, transitions, amendments, the tariffs
    or the providers gives another key (and the day: a framework's status follows the date)."""
    import hashlib

    from django.db.models import Count, Max

    from zorgregio.aanbieders.models import Provider
    from zorgregio.producten.models import Tariff
    from zorgregio.toelating.models import ProcedureDocument

    def summary(qs, latest):
        return tuple(qs.aggregate(n=Count("pk"), t=Max(latest)).values())

    admissions = Admission.objects.filter(agreement=agreement)
    parts = (
        agreement.pk,
        agreement.updated_at,
        prefix(),
        settings.ZORGREGIO_SITE_URL,
        timezone.localdate(),
        summary(admissions, "updated_at"),
        summary(AdmissionTransition.objects.filter(admission__agreement=agreement), "pk"),
        summary(Amendment.objects.filter(agreement=agreement), "updated_at"),
        summary(Procedure.objects.filter(agreement=agreement), "updated_at"),
        summary(ProcedureDocument.objects.filter(procedure__agreement=agreement), "pk"),
        summary(Tariff.objects.all(), "set_at"),
        summary(Provider.objects.filter(admissions__agreement=agreement).distinct(), "updated_at"),
        summary(agreement.region.municipalities.all(), "pk"),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def releases_for(agreement: FrameworkAgreement) -> list[dict]:
    """Every release of the agreement's contracting process, oldest first; built once per
    state of the data (Django's cache, keyed by :func:`_fingerprint`)."""
    from django.core.cache import cache

    key = f"opendata:ocds:{_fingerprint(agreement)}"
    releases = cache.get(key)
    if releases is None:
        releases = _build_releases(agreement)
        cache.set(key, releases, timeout=24 * 3600)
    return releases


def _build_releases(agreement: FrameworkAgreement) -> list[dict]:
    region = agreement.region
    region_party = _region_party(region)
    municipality_parties = [
        _municipality_party(m) for m in region.municipalities.order_by("cbs_code")
    ]
    buyers = [region_party, *municipality_parties]
    tariffs = _Tariffs()
    out = [
        _release(
            agreement,
            buyers,
            suffix="raamovereenkomst",
            date=agreement.created_at,
            tag=["tender"],
            tender=_base_tender(agreement),
        )
    ]
    for procedure in public_procedures_of(agreement):
        out.append(
            _release(
                agreement,
                buyers,
                suffix=f"toelating-{procedure.pk}",
                date=procedure.published_at or procedure.created_at,
                tag=["tenderUpdate"],
                tender=_procedure_tender(agreement, procedure),
            )
        )
        if procedure.status == ProcedureStatus.CLOSED and procedure.closed_at:
            out.append(
                _release(
                    agreement,
                    buyers,
                    suffix=f"toelating-{procedure.pk}-gesloten",
                    date=procedure.closed_at,
                    tag=["tenderUpdate"],
                    tender={
                        "id": f"raamovereenkomst-{agreement.pk}",
                        "procurementMethodDetails": (
                            f"Open House (toelatingsprocedure): {procedure.title} (gesloten)"
                        ),
                    },
                )
            )
    admissions = list(public_admissions_of(agreement))
    transitions: dict[int, list] = {}
    for t in AdmissionTransition.objects.filter(admission__in=[a.pk for a in admissions]).order_by(
        "created_at", "pk"
    ):
        transitions.setdefault(t.admission_id, []).append(t)
    for admission in admissions:
        provider = _provider_party(admission.provider)
        award_id = f"award-{provider['id']}"
        item = _admission_item(admission, tariffs)
        history = transitions.get(admission.pk, [])
        first = history[0].from_status if history else admission.status
        if first == AdmissionStatus.CONCEPT and history:
            first = history[0].to_status
        contract = {
            "id": f"deelname-{admission.pk}",
            "awardID": award_id,
            "title": f"{item['description']} in {admission.municipality.name}",
            "description": f"Deelname voor gemeente {admission.municipality.name}",
            "status": CONTRACT_STATUS[first],
            "period": _period(admission.valid_from, admission.valid_until),
            "items": [item],
            "dateSigned": _when(admission.activated_on or admission.valid_from),
        }
        out.append(
            _release(
                agreement,
                [*buyers, provider],
                suffix=f"deelname-{admission.pk}",
                date=admission.created_at,
                tag=["award", "contract"],
                awards=[
                    {
                        "id": award_id,
                        "title": f"Toelating van {provider['name']}",
                        "status": "active",
                        "date": _when(admission.created_at),
                        "suppliers": [_ref(provider)],
                        "items": [item],
                        "contractPeriod": _period(agreement.valid_from, agreement.valid_until),
                    }
                ],
                contracts=[contract],
            )
        )
        for t in history:
            if t.to_status == AdmissionStatus.CONCEPT:
                continue
            change = {
                "id": contract["id"],
                "awardID": award_id,
                "status": CONTRACT_STATUS[t.to_status],
            }
            if t.to_status == AdmissionStatus.CLIENT_STOP:
                change["description"] = (
                    f"Deelname voor gemeente {admission.municipality.name}; cliëntenstop "
                    f"vanaf {t.effective_on:%d-%m-%Y}"
                )
            elif t.to_status == AdmissionStatus.ACTIVE:
                change["description"] = contract["description"]
            if t.to_status == AdmissionStatus.ENDED:
                change["period"] = {"endDate": _until(t.effective_on)}
            out.append(
                _release(
                    agreement,
                    [*buyers, provider],
                    suffix=f"deelname-{admission.pk}-status-{t.pk}",
                    date=t.created_at,
                    tag=["contractTermination"]
                    if t.to_status == AdmissionStatus.ENDED
                    else ["contractUpdate"],
                    contracts=[change],
                )
            )
    out += _amendment_releases(agreement, buyers)
    out.sort(key=lambda r: (r["date"], r["id"]))
    return out


def _amendment_releases(agreement, buyers) -> list[dict]:
    out = []
    accepted = (
        Amendment.objects.filter(agreement=agreement, status=AmendmentStatus.ACCEPTED)
        .select_related("provider")
        .prefetch_related("changes")
        .order_by("decided_at", "pk")
    )
    for amendment in accepted:
        date = amendment.decided_at or amendment.updated_at
        entry = {
            "id": f"wijziging-{amendment.pk}",
            "date": _when(date),
            "rationale": amendment.title,
            "description": (
                f"Ingaand op {amendment.effective_date:%d-%m-%Y}"
                + (f"; artikelen {amendment.articles}" if amendment.articles else "")
            ),
        }
        suffix = f"wijziging-{amendment.pk}"
        if amendment.provider_id is None:
            out.append(
                _release(
                    agreement,
                    buyers,
                    suffix=suffix,
                    date=date,
                    tag=["tenderAmendment"],
                    tender={"id": f"raamovereenkomst-{agreement.pk}", "amendments": [entry]},
                )
            )
            continue
        provider = _provider_party(amendment.provider)
        contracts = [
            {
                "id": f"deelname-{change.admission_id}",
                "awardID": f"award-{provider['id']}",
                "amendments": [entry],
            }
            for change in amendment.changes.all()
            if change.admission_id
            and Admission.objects.filter(pk=change.admission_id)
            .exclude(status=AdmissionStatus.CONCEPT, activated_on__isnull=True)
            .exists()
        ]
        parts = (
            {"contracts": contracts}
            if contracts
            else {"awards": [{"id": f"award-{provider['id']}", "amendments": [entry]}]}
        )
        out.append(
            _release(
                agreement,
                [*buyers, provider],
                suffix=suffix,
                date=date,
                tag=["contractAmendment"] if contracts else ["awardUpdate"],
                **parts,
            )
        )
    return out


# --- records and packages ---------------------------------------------------------------------


def _merge(target: dict, source: dict) -> None:
    """OCDS merging for these releases: objects merged field by field, arrays of objects with
    an ``id`` merged by id, any other value replaced by the newer one."""
    for key, value in source.items():
        if value is None:
            continue
        if isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = {}
            _merge(current, value)
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "id" in v for v in value)
        ):
            current = target.get(key)
            if not isinstance(current, list):
                current = target[key] = []
            by_id = {entry["id"]: entry for entry in current}
            for entry in value:
                if entry["id"] in by_id:
                    _merge(by_id[entry["id"]], entry)
                else:
                    copy: dict = {}
                    _merge(copy, entry)
                    current.append(copy)
                    by_id[entry["id"]] = copy
        else:
            target[key] = value


def compile_releases(releases: list[dict]) -> dict:
    compiled: dict = {}
    for release in sorted(releases, key=lambda r: (r["date"], r["id"])):
        _merge(compiled, {k: v for k, v in release.items() if k not in ("id", "tag")})
    compiled["id"] = f"{releases[-1]['ocid']}-compiled"
    compiled["tag"] = ["compiled"]
    compiled["date"] = max(r["date"] for r in releases)
    return compiled


def record_for(agreement) -> dict:
    releases = releases_for(agreement)
    return {
        "ocid": ocid(agreement),
        "releases": releases,
        "compiledRelease": compile_releases(releases),
    }


def _package_meta(uri: str, published) -> dict:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": EXTENSIONS,
        "publishedDate": _when(published or timezone.now()),
        "publisher": {"name": "zorgregio", "uri": _site("/openbaar/")},
        "license": LICENSE,
        "publicationPolicy": _site("/openbaar/"),
    }


def release_package(releases: list[dict], uri: str) -> dict:
    latest = max((r["date"] for r in releases), default=None)
    meta = _package_meta(uri, dt.datetime.fromisoformat(latest) if latest else None)
    return {**meta, "releases": releases}


def record_package(records: list[dict], uri: str) -> dict:
    latest = max((r["compiledRelease"]["date"] for r in records), default=None)
    meta = _package_meta(uri, dt.datetime.fromisoformat(latest) if latest else None)
    return {**meta, "records": records}


def agreement_by_ocid(value: str):
    """The framework agreement of an ocid, or None."""
    start = f"{prefix()}-"
    if not value.startswith(start):
        return None
    slug, _sep, number = value[len(start) :].rpartition("-ro")
    if not slug or not (number.isascii() and number.isdigit()) or len(number) > 12:
        return None
    return public_agreements().filter(region__slug=slug, pk=int(number)).first()
