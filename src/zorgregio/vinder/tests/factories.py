"""Factories: a small world for the finder. Epe and Apeldoorn in one region, a second region
with Meppel, providers contracted (or not) for begeleiding, offers with locations, a postcode
table, reported waiting times and survey results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.accounts.tests.factories import UserFactory
from zorgregio.contracten.tests.factories import (
    AdmissionFactory,
    AgreementFactory,
    ProductFactory,
    ProductGroupFactory,
)
from zorgregio.regio.tests.factories import MunicipalityFactory, RegionFactory
from zorgregio.toezicht.models import SatisfactionResult, WaitingTimeReport
from zorgregio.vinder import services
from zorgregio.vinder.models import Postcode

DAY = dt.date(2026, 6, 1)

POSTCODES = {
    "8161AB": ("52.348000", "5.983000", "Epe"),  # the resident
    "8162CD": ("52.341000", "5.992000", "Epe"),  # 1.0 km
    "8171AA": ("52.287000", "5.965000", "Vaassen"),  # 6.9 km
    "7311AA": ("52.212500", "5.964000", "Apeldoorn"),  # 15.1 km
    "7941AA": ("52.696000", "6.194000", "Meppel"),
}


@dataclass
class World:
    region: object
    epe: object
    apeldoorn: object
    meppel: object
    group: object
    other_group: object
    licht: object
    basis: object
    near: object
    far: object
    stopped: object
    draft: object
    ended: object
    elsewhere: object
    drenthe: object
    users: dict


def _offer(provider, postcode, **extra):
    return services.offer_save(
        actor=None,
        provider=provider,
        description=extra.pop("description", f"Begeleiding door {provider.name}."),
        target_groups=extra.pop("target_groups", ["volwassenen"]),
        phone="0578 123 456",
        email="info@example.nl",
        website="https://www.example.nl",
        locations=[
            {
                "name": "Hoofdlocatie",
                "street": "Hoofdstraat",
                "house_number": "1",
                "postcode": postcode,
                "city": POSTCODES[postcode][2],
            }
        ],
        **extra,
    )


def build_world() -> World:
    for code, (lat, lon, city) in POSTCODES.items():
        Postcode.objects.create(
            postcode=code, latitude=Decimal(lat), longitude=Decimal(lon), city=city
        )
    region = RegionFactory(name="Zorgregio Midden-IJssel/Oost-Veluwe", slug="mijov")
    epe = MunicipalityFactory(region=region, cbs_code="0232", name="Epe")
    apeldoorn = MunicipalityFactory(region=region, cbs_code="0200", name="Apeldoorn")
    other_region = RegionFactory(name="Zuidwest-Drenthe", slug="zwd")
    meppel = MunicipalityFactory(region=other_region, cbs_code="0119", name="Meppel")
    agreement = AgreementFactory(region=region)
    agreement_b = AgreementFactory(region=other_region)
    group = ProductGroupFactory(code="wmo-begeleiding-individueel", name="Begeleiding individueel")
    other_group = ProductGroupFactory(
        code="wmo-hulp-bij-het-huishouden", name="Hulp bij het Huishouden"
    )
    licht = ProductFactory(group=group, productcode="02A22", name="Licht", intensity_rank=1)
    basis = ProductFactory(group=group, productcode="02A16", name="Basis", intensity_rank=2)
    household = ProductFactory(
        group=other_group, productcategorie="01", productcode="01001", name="Schoon huis"
    )

    def provider(name):
        p = ProviderFactory(name=name)
        p.regions.add(region)
        return p

    near = provider("Dichtbij Begeleiding Epe")
    far = provider("Verweg Zorg Apeldoorn")
    stopped = provider("Vol Zit Zorg")
    draft = provider("Concept Zorg")
    ended = provider("Gestopte Zorg")
    elsewhere = provider("Alleen Apeldoorn Zorg")
    drenthe = ProviderFactory(name="Drentse Zorg")
    drenthe.regions.add(other_region)

    AdmissionFactory(
        agreement=agreement,
        provider=near,
        product=None,
        product_group=group,
        municipality=epe,
        active=True,
    )
    AdmissionFactory(
        agreement=agreement, provider=far, product=basis, municipality=epe, active=True
    )
    AdmissionFactory(
        agreement=agreement, provider=far, product=household, municipality=epe, active=True
    )
    AdmissionFactory(
        agreement=agreement, provider=stopped, product=basis, municipality=epe, client_stop=True
    )
    AdmissionFactory(agreement=agreement, provider=draft, product=basis, municipality=epe)
    AdmissionFactory(
        agreement=agreement, provider=ended, product=basis, municipality=epe, active=True,
        valid_until=dt.date(2026, 3, 31),
    )  # fmt: skip
    AdmissionFactory(
        agreement=agreement, provider=elsewhere, product=basis, municipality=apeldoorn, active=True
    )
    AdmissionFactory(
        agreement=agreement_b, provider=drenthe, product=basis, municipality=meppel, active=True
    )

    _offer(
        near,
        "8162CD",
        description="Wij helpen <script>alert('x')</script> thuis.",
        target_groups=["volwassenen", "autisme"],
    )
    _offer(far, "7311AA", target_groups=["ouderen"])
    _offer(stopped, "8171AA")
    _offer(draft, "8161AB")
    _offer(ended, "8161AB")
    _offer(elsewhere, "7311AA")
    _offer(drenthe, "7941AA")

    WaitingTimeReport.objects.create(
        provider=near, municipality=epe, product=basis, reported_on=dt.date(2026, 5, 20),
        intake_weeks=Decimal("2.5"), treatment_weeks=Decimal("3"),
    )  # fmt: skip
    WaitingTimeReport.objects.create(
        provider=near, municipality=apeldoorn, product=licht, reported_on=dt.date(2026, 5, 20),
        intake_weeks=Decimal("9"), treatment_weeks=Decimal("9"),
    )  # fmt: skip
    SatisfactionResult.objects.create(
        provider=near, product_group=group, year=2025, respondents=25, overall=Decimal("8.1")
    )
    SatisfactionResult.objects.create(
        provider=far, product_group=group, year=2025, respondents=6, overall=Decimal("4.3")
    )
    users = {
        "regio": UserFactory(username="regio", regional_team=True, region=region),
        "regio_b": UserFactory(username="regio-b", regional_team=True, region=other_region),
        "gemeente": UserFactory(
            username="epe", municipality_staff=True, region=region, municipalities=[epe]
        ),
        "aanbieder": UserFactory(username="near", role="aanbieder", provider=near, region=region),
        "aanbieder_far": UserFactory(username="far", role="aanbieder", provider=far, region=region),
        "raad": UserFactory(username="raad", council_member=True, region=region),
        "beheerder": UserFactory(username="beheer", administrator=True, region=None),
    }
    return World(
        region, epe, apeldoorn, meppel, group, other_group, licht, basis, near, far, stopped,
        draft, ended, elsewhere, drenthe, users,
    )  # fmt: skip
