"""The generated archive read from the database and imported through the real ingest: the faults
the generator plants are exactly the lines the checks reject."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.berichten.generator import catalogue_from_db, generate_archive
from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
from zorgregio.producten.models import Product, ProductGroup, Tariff
from zorgregio.regio.models import Law

D = dt.date

# The code each planted fault must get from the declaration checks.
EXPECTED_CODE = {
    "over_volume": "9321",
    "wrong_tariff": "0611",
    "no_toewijzing": "9338",
    "outside_period": "9307",
    "after_stop": "ZR02",
}


@pytest.fixture
def register(region, apeldoorn, zutphen):
    """Products of both laws with tariffs (Zutphen has its own for one), five providers admitted
    for everything in both municipalities from 2024 (the first only until the end of 2024 in
    Zutphen), one provider only in a draft admission."""
    agreement = FrameworkAgreement.objects.create(
        region=region, name="Raamovereenkomst", laws=["wmo", "jw"], valid_from=D(2024, 1, 1)
    )
    groups = {
        "begeleiding": ProductGroup.objects.create(law=Law.WMO, code="begeleiding", name="B"),
        "hh": ProductGroup.objects.create(law=Law.WMO, code="hh", name="HH"),
        "jeugd": ProductGroup.objects.create(law=Law.JEUGDWET, code="jeugd", name="J"),
        "vervoer": ProductGroup.objects.create(law=Law.WMO, code="vervoer", name="V"),
    }
    rows = [
        ("begeleiding", "02", "02A22", "04", 1, 5800),
        ("begeleiding", "02", "02A16", "04", 2, 6400),
        ("hh", "01", "01A01", "04", 1, 3200),
        ("jeugd", "45", "45A01", "04", 1, 7000),
        ("jeugd", "45", "45A02", "04", 2, 8200),
        ("vervoer", "06", "06A01", "83", 1, 1),  # in euros: no ProductTarief (CD087)
    ]
    for group, cat, code, unit, rank, cents in rows:
        product = Product.objects.create(
            group=groups[group], law=groups[group].law, productcategorie=cat, productcode=code,
            name=code, unit=unit, intensity_rank=rank, valid_from=D(2024, 1, 1),
        )  # fmt: skip
        Tariff.objects.create(product=product, amount_cents=cents, valid_from=D(2024, 1, 1))
        if code == "02A22":
            Tariff.objects.create(
                product=product, municipality=zutphen, amount_cents=6000, valid_from=D(2024, 1, 1)
            )
    providers = [ProviderFactory() for _ in range(5)]
    for provider in providers:
        provider.regions.add(region)
        for municipality in (apeldoorn, zutphen):
            ends = D(2024, 12, 31) if (provider, municipality) == (providers[0], zutphen) else None
            for group in groups.values():
                Admission.objects.create(
                    agreement=agreement, provider=provider, product_group=group,
                    municipality=municipality, status=AdmissionStatus.ACTIVE,
                    valid_from=D(2024, 1, 1), valid_until=ends,
                )  # fmt: skip
    draft = ProviderFactory()
    draft.regions.add(region)
    Admission.objects.create(
        agreement=agreement, provider=draft, product_group=groups["hh"], municipality=apeldoorn,
        status=AdmissionStatus.CONCEPT, valid_from=D(2024, 1, 1),
    )  # fmt: skip
    return providers


@pytest.mark.django_db
def test_catalogue_from_db_reads_the_register(region, register, zutphen):
    catalogue = catalogue_from_db(region)
    assert sorted(catalogue.municipalities) == ["0200", "0301"]
    assert catalogue.municipalities["0301"] == 48_500  # weighted by inhabitants
    assert catalogue.laws == ["jw", "wmo"]
    product = next(p for p in catalogue.products if p.code == "02A22")
    assert catalogue.tariff(product, "0301", D(2024, 5, 1)) == 6000  # the municipality's own
    assert catalogue.tariff(product, "0200", D(2024, 5, 1)) == 5800  # the regional one
    assert catalogue.tariff(product, "0200", D(2023, 5, 1)) is None  # before any tariff
    # Group admissions count for every product of the group; the draft one does not count.
    admitted = catalogue.admitted("0200", product.key, D(2024, 5, 1))
    assert sorted(admitted) == sorted(p.agb_code for p in register)
    hh = next(p for p in catalogue.products if p.code == "01A01")
    assert len(catalogue.admitted("0200", hh.key, D(2024, 5, 1))) == len(register)
    assert catalogue.admitted("0200", hh.key, D(2023, 12, 31)) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("workers", "reader"), [(1, False), (1, True), (2, False)],
    ids=["one process", "reader process", "two workers"],
)  # fmt: skip
def test_the_ingest_accepts_every_file_and_rejects_exactly_the_planted_faults(
    region, register, tmp_path, settings, workers, reader
):
    """The same verdicts with the files read by a reader process, and with two worker
    processes (PostgreSQL), as with one: every rule that relates messages sees them in order,
    nothing is applied twice or lost."""
    from zorgregio.berichten.parallel import can_run_parallel, ingest_parallel
    from zorgregio.zorg.models import Declaratie, DeclaratieRegel, LineStatus, Toewijzing

    if workers > 1 and not can_run_parallel():
        pytest.skip("several import workers need PostgreSQL")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ZORGREGIO_READER_MIN_FILES = 1 if reader else 0
    result = generate_archive(
        catalogue_from_db(region), tmp_path / "archive", seed=4, clients=150,
        start=D(2024, 1, 1), end=D(2025, 12, 31), fault_rate=0.03,
    )  # fmt: skip
    results = ingest_parallel([result.root], workers=workers)
    assert len(results) == result.stats["files"]
    assert [r for r in results if r.refused] == []
    manifest = json.loads((tmp_path / "archive" / "manifest.json").read_text())
    planted = {f["referentienummer"]: f["kind"] for f in manifest["faults"]}
    duplicates = {ref for ref, kind in planted.items() if kind == "duplicate_reference"}

    assert Toewijzing.objects.count() == result.stats["toewijzingen"]
    # Lines in euros come without a tariff and are approved without a tariff check.
    euros = DeclaratieRegel.objects.filter(unit="83")
    assert euros.exists() and not euros.exclude(tariff_cents=None).exists()
    lines = DeclaratieRegel.objects.values_list("referentienummer", "status", "retourcodes")
    stored = Counter()
    for ref, status, codes in lines:
        kind = planted.get(ref)
        if kind in EXPECTED_CODE:
            assert status == LineStatus.REJECTED and EXPECTED_CODE[kind] in codes, (
                ref,
                kind,
                codes,
            )
            stored[kind] += 1
        else:
            # Clean lines (and the first use of a reference used twice) are approved.
            assert status == LineStatus.APPROVED, (ref, codes)
    for kind in EXPECTED_CODE:
        assert stored[kind] == result.stats.get(f"fault_{kind}", 0), kind
    # The second use of a reference is refused as a whole line (TR314, 8021).
    refused = [
        line for d in Declaratie.objects.exclude(refused_lines=[]) for line in d.refused_lines
    ]
    assert {line["referentienummer"] for line in refused} == duplicates
    assert all(line["retourcodes"] == ["8021"] for line in refused)
    assert len(refused) == result.stats["fault_duplicate_reference"]
    # Credits take their debit back.
    credits = DeclaratieRegel.objects.filter(debit_credit="C", status=LineStatus.APPROVED)
    assert credits.count() == result.stats["credit_lines"] > 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.debug_once
def test_the_archive_follows_the_variant_register(
    region, register, apeldoorn, zutphen, tmp_path, settings
):
    """Begeleiding is taakgericht in Apeldoorn from 2025: the archive holds no toewijzing and
    no 323 line for it there from then on (toewijzingen running end on 31-12-2024), while
    Zutphen and the other groups go on per client. Trajecten are outputgericht: one output
    per toewijzing at the price per output, declared when the trajectory ends. The ingest
    refuses only planted faults."""
    from zorgregio.berichten.services import ingest_paths
    from zorgregio.producten.models import FundingVariant, GroupVariant
    from zorgregio.zorg.models import DeclaratieRegel, LineStatus, Toewijzing

    settings.MEDIA_ROOT = tmp_path / "media"
    GroupVariant.objects.create(
        group=ProductGroup.objects.get(code="begeleiding"), municipality=apeldoorn,
        variant=FundingVariant.TASK, valid_from=D(2025, 1, 1),
    )  # fmt: skip
    trajecten = ProductGroup.objects.create(law=Law.WMO, code="trajecten", name="T")
    output = Product.objects.create(
        group=trajecten, law=Law.WMO, productcategorie="02", productcode="02A91", name="Traject",
        unit="82", allowed_frequencies=["6"], intensity_rank=1, valid_from=D(2024, 1, 1),
    )  # fmt: skip
    Tariff.objects.create(product=output, amount_cents=96_563, valid_from=D(2024, 1, 1))
    agreement = FrameworkAgreement.objects.get()
    for municipality in (apeldoorn, zutphen):
        GroupVariant.objects.create(
            group=trajecten, municipality=municipality, variant=FundingVariant.OUTPUT,
            valid_from=D(2024, 1, 1),
        )  # fmt: skip
        for provider in register[1:3]:
            Admission.objects.create(
                agreement=agreement, provider=provider, product_group=trajecten,
                municipality=municipality, status=AdmissionStatus.ACTIVE,
                valid_from=D(2024, 1, 1),
            )  # fmt: skip
    catalogue = catalogue_from_db(region)
    assert catalogue.task_oriented("begeleiding", "0200", D(2025, 1, 1))
    assert not catalogue.task_oriented("begeleiding", "0200", D(2024, 12, 31))
    assert not catalogue.task_oriented("begeleiding", "0301", D(2025, 6, 1))
    assert catalogue.per_client_until("begeleiding", "0200", D(2024, 3, 1)) == D(2024, 12, 31)
    result = generate_archive(
        catalogue, tmp_path / "archive", seed=4, clients=150,
        start=D(2024, 1, 1), end=D(2025, 12, 31), fault_rate=0.03,
    )  # fmt: skip
    results = ingest_paths([result.root])
    assert [r for r in results if r.refused] == []
    in_apeldoorn = Toewijzing.objects.filter(
        product__group__code="begeleiding", municipality=apeldoorn
    )
    assert in_apeldoorn.exists()  # per client in 2024
    assert not in_apeldoorn.filter(einddatum__isnull=True).exists()
    assert not in_apeldoorn.filter(einddatum__gte=D(2025, 1, 1)).exists()
    lines = DeclaratieRegel.objects.filter(product__group__code="begeleiding")
    assert lines.filter(municipality=apeldoorn, period_start__lt=D(2025, 1, 1)).exists()
    assert not lines.filter(municipality=apeldoorn, period_start__gte=D(2025, 1, 1)).exists()
    assert lines.exclude(municipality=apeldoorn).filter(period_start__gte=D(2025, 1, 1)).exists()
    manifest = json.loads((tmp_path / "archive" / "manifest.json").read_text())
    planted = {f["referentienummer"] for f in manifest["faults"]}
    rejected = DeclaratieRegel.objects.filter(status=LineStatus.REJECTED)
    assert set(rejected.values_list("referentienummer", flat=True)) <= planted
    assert not any("ZR04" in codes for codes in rejected.values_list("retourcodes", flat=True))
    # Outputs: one per toewijzing of one output, at the price per output, in its last month.
    outputs = DeclaratieRegel.objects.filter(product=output, status=LineStatus.APPROVED)
    assert outputs.filter(debit_credit="D").count() >= 3
    assert set(outputs.values_list("unit", "volume", "tariff_cents")) == {("82", 1, 96_563)}
    assigned = Toewijzing.objects.filter(product=output)
    assert set(assigned.values_list("volume", "frequency")) == {(1, "6")}
    net = Counter()
    for toewijzing_id, debit_credit in outputs.values_list("toewijzing_id", "debit_credit"):
        net[toewijzing_id] += 1 if debit_credit == "D" else -1
    # One output per trajectory (a credited one is corrected, or not yet when the archive ends).
    assert set(net.values()) <= {0, 1} and 1 in net.values()
    assert not assigned.filter(pk__in=list(net), einddatum__isnull=True).exists()
