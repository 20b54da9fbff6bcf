import datetime as dt

import pytest

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.berichten import pipeline
from zorgregio.contracten.models import Admission, AdmissionStatus, FrameworkAgreement
from zorgregio.producten.models import Product, ProductGroup, Tariff
from zorgregio.zorg import apply

AGB = "65656055"
BSN = "999900006"
BSN2 = "999900018"


@pytest.fixture(autouse=True)
def archive(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def provider(db):
    return ProviderFactory(agb_code=AGB)


@pytest.fixture
def jeugd(region, apeldoorn, provider):
    """Product 45A03 (hour, 12.50 per hour) for Apeldoorn, the provider admitted in 2026."""
    group = ProductGroup.objects.create(law="jw", code="jeugdhulp", name="Jeugdhulp")
    product = Product.objects.create(
        group=group,
        law="jw",
        productcategorie="45",
        productcode="45A03",
        name="Jeugdhulp ambulant",
        unit="04",
        valid_from=dt.date(2025, 1, 1),
    )
    Tariff.objects.create(product=product, amount_cents=1250, valid_from=dt.date(2026, 1, 1))
    agreement = FrameworkAgreement.objects.create(
        region=region, name="Raamovereenkomst", laws=["jw"], valid_from=dt.date(2026, 1, 1)
    )
    Admission.objects.create(
        agreement=agreement,
        provider=provider,
        product=product,
        municipality=apeldoorn,
        status=AdmissionStatus.ACTIVE,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    return product


@pytest.fixture(params=["in process", "parser process", "reader process"])
def parse_mode(request, settings, monkeypatch):
    """Every test here runs three times, which must not differ: with the parse in this process,
    with the parse of each file in a forked parser process (``ZORGREGIO_PARSE_PROCESS_MIN_BYTES``)
    and with an import's files stored and parsed by a forked reader process
    (``ZORGREGIO_READER_MIN_FILES``); in both, batches of two lines and of two events, so lines
    travel in several batches and are checked while the previous batch is being written."""
    settings.ZORGREGIO_PARSE_PROCESS_MIN_BYTES = 1 if request.param == "parser process" else 0
    settings.ZORGREGIO_READER_MIN_FILES = 1 if request.param == "reader process" else 0
    if request.param != "in process":
        monkeypatch.setattr(apply, "LINE_BATCH", 2)
        monkeypatch.setattr(pipeline, "LINE_BATCH", 2)
        monkeypatch.setattr(pipeline, "EVENT_BATCH", 2)
    return request.param
