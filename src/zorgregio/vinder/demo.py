"""Demo step: the postcode table of the demo region and an offer with locations for every demo
provider.

The postcodes are the real four-digit areas (PC4) of the region's towns with approximate
centres; the six-position postcodes in them are synthetic (a few letter pairs per area, spread
a few hundred metres around the centre). They arrive as a region's file
(``var/demo-files/postcodes.csv``) through the set-up import, as a real PC6 file would.
"""

from __future__ import annotations

from zorgregio.demo.files import import_file, write_csv
from zorgregio.demo.registry import DemoContext, demo_step

# CBS code -> [(PC4, place, latitude, longitude, phone area code)]
AREAS = {
    "0200": [  # Apeldoorn
        ("7311", "Apeldoorn", 52.2125, 5.9640, "055"),
        ("7314", "Apeldoorn", 52.2210, 5.9505, "055"),
        ("7321", "Apeldoorn", 52.2180, 5.9280, "055"),
        ("7328", "Apeldoorn", 52.2090, 5.9120, "055"),
        ("7334", "Apeldoorn", 52.1950, 5.9750, "055"),
        ("7339", "Ugchelen", 52.1840, 5.9390, "055"),
        ("7361", "Beekbergen", 52.1600, 5.9640, "055"),
        ("7371", "Loenen", 52.1170, 6.0190, "055"),
    ],
    "0213": [  # Brummen
        ("6971", "Brummen", 52.0900, 6.1550, "0575"),
        ("6961", "Eerbeek", 52.1060, 6.0580, "0313"),
    ],
    "0232": [  # Epe
        ("8161", "Epe", 52.3480, 5.9830, "0578"),
        ("8162", "Epe", 52.3410, 5.9920, "0578"),
        ("8166", "Emst", 52.3180, 5.9700, "0578"),
        ("8167", "Oene", 52.3200, 6.0400, "0578"),
        ("8171", "Vaassen", 52.2870, 5.9650, "0578"),
        ("8172", "Vaassen", 52.2810, 5.9750, "0578"),
    ],
    "0244": [  # Hattem
        ("8051", "Hattem", 52.4750, 6.0650, "038"),
    ],
    "0246": [  # Heerde
        ("8181", "Heerde", 52.3870, 6.0400, "0578"),
        ("8191", "Wapenveld", 52.4330, 6.0720, "038"),
    ],
    "0262": [  # Lochem
        ("7241", "Lochem", 52.1600, 6.4150, "0573"),
        ("7245", "Laren", 52.1930, 6.3670, "0573"),
        ("7211", "Eefde", 52.1700, 6.2300, "0575"),
        ("7213", "Gorssel", 52.2000, 6.2000, "0575"),
    ],
    "0285": [  # Voorst
        ("7391", "Twello", 52.2360, 6.1030, "0571"),
        ("7383", "Voorst", 52.1720, 6.1480, "0575"),
        ("7384", "Wilp", 52.2210, 6.1430, "0571"),
        ("7381", "Klarenbeek", 52.1800, 6.0750, "055"),
    ],
    "0301": [  # Zutphen
        ("7201", "Zutphen", 52.1390, 6.1960, "0575"),
        ("7203", "Zutphen", 52.1480, 6.2100, "0575"),
        ("7207", "Zutphen", 52.1290, 6.2160, "0575"),
        ("7231", "Warnsveld", 52.1330, 6.2350, "0575"),
    ],
}
LETTERS = ["AA", "AB", "BC", "CD", "EG", "GH", "JK", "LM"]
STREETS = [
    "Hoofdstraat", "Stationsstraat", "Kerkstraat", "Dorpsstraat", "Molenweg", "Beekstraat",
    "Markt", "Schoolstraat", "Kanaalweg", "Eikenlaan", "Beukenlaan", "Julianalaan",
    "Wilhelminastraat", "Het Rode Dorp", "Zutphensestraat", "Deventerstraat",
]  # fmt: skip
TARGETS_BY_GROUP = {
    "begeleiding": ["volwassenen", "ouderen", "psychisch", "verstandelijk", "autisme", "nah"],
    "huishoud": ["ouderen", "lichamelijk", "volwassenen", "dementie"],
    "respijt": ["mantelzorgers", "dementie", "ouderen"],
    "werkt": ["jongvolwassenen", "volwassenen", "psychisch", "verstandelijk"],
    "vervoer": ["ouderen", "lichamelijk"],
    "verzorging": ["ouderen", "lichamelijk", "dementie"],
    "jw": ["jeugd", "jongvolwassenen", "autisme"],
}
SPECIALISMS = [
    "dagstructuur", "financiële zelfredzaamheid", "autisme", "niet-aangeboren hersenletsel",
    "licht verstandelijke beperking", "dementie", "herstelgericht werken",
    "agrarische dagbesteding", "creatieve dagbesteding", "gezinsbegeleiding", "schulden",
    "rouwverwerking",
]  # fmt: skip
DESCRIPTIONS = [
    "Wij bieden ondersteuning dicht bij huis, met vaste begeleiders die u leert kennen.",
    "Kleinschalig en persoonlijk: samen kijken we wat u zelf kunt en waar u hulp bij nodig hebt.",
    "Ons team werkt in de hele regio, ook 's avonds en in het weekend wanneer dat nodig is.",
    "Wij werken met een vaste contactpersoon en een plan dat u samen met ons opstelt.",
]
APPROACHES = [
    "We beginnen met een kennismakingsgesprek bij u thuis. Daarna maken we samen een plan.",
    "Oplossingsgericht en herstelgericht: we bouwen voort op wat goed gaat.",
    "We betrekken uw netwerk en werken nauw samen met de huisarts en het wijkteam.",
]


def _pc6_rows(rng) -> list[list]:
    rows = []
    for areas in AREAS.values():
        for pc4, city, lat, lon, _area in areas:
            for letters in LETTERS:
                rows.append(
                    [
                        f"{pc4} {letters}",
                        f"{lat + rng.uniform(-0.006, 0.006):.6f}",
                        f"{lon + rng.uniform(-0.009, 0.009):.6f}",
                        city,
                    ]
                )
    return rows


def _targets(groups) -> list[str]:
    found = []
    for group in groups:
        key = next((k for k in TARGETS_BY_GROUP if k in group.code), None)
        for code in TARGETS_BY_GROUP.get(key or "begeleiding", []):
            if code not in found:
                found.append(code)
    return found


@demo_step(order=70, name="vinder")
def build_finder(ctx: DemoContext) -> None:
    from zorgregio.aanbieders.models import Provider
    from zorgregio.contracten.models import Admission
    from zorgregio.producten.models import ProductGroup

    from . import services

    rng = ctx.rng
    path = write_csv(
        "postcodes.csv", ["postcode", "breedtegraad", "lengtegraad", "woonplaats"], _pc6_rows(rng)
    )
    import_file(ctx, "postcodes", path)
    if ctx.region is None:
        return
    codes = {m.pk: m.cbs_code for m in ctx.region.municipalities.all()}
    where: dict[int, set[str]] = {}
    groups: dict[int, set[int]] = {}
    for provider_id, municipality_id, product_group, group in Admission.objects.filter(
        agreement__region=ctx.region
    ).values_list("provider_id", "municipality_id", "product__group_id", "product_group_id"):
        where.setdefault(provider_id, set()).add(codes.get(municipality_id, ""))
        groups.setdefault(provider_id, set()).add(product_group or group)
    all_groups = ProductGroup.objects.in_bulk()
    count = 0
    for provider in Provider.objects.filter(regions=ctx.region).order_by("pk"):
        towns = sorted(c for c in where.get(provider.pk, set()) if c in AREAS) or ["0200"]
        home = rng.choice(towns)
        own_groups = [all_groups[g] for g in sorted(groups.get(provider.pk, set())) if g]
        targets = _targets(own_groups)
        locations = []
        for town in [home] + rng.sample(towns, min(len(towns), rng.randint(0, 2))):
            pc4, city, _lat, _lon, _area = rng.choice(AREAS[town])
            location = {
                "name": city if not locations else f"{city} ({len(locations) + 1})",
                "street": rng.choice(STREETS),
                "house_number": str(rng.randint(1, 180)),
                "postcode": f"{pc4} {rng.choice(LETTERS)}",
                "city": city,
            }
            if all(loc["postcode"] != location["postcode"] for loc in locations):
                locations.append(location)
        area = next(a[4] for a in AREAS[home])
        subscriber = "".join(str(rng.randint(0, 9)) for _ in range(10 - len(area)))
        services.offer_save(
            actor=None,
            provider=provider,
            description=rng.choice(DESCRIPTIONS)
            + " "
            + (
                "Wij zijn gecontracteerd voor "
                + ", ".join(g.name.lower() for g in own_groups[:3])
                + "."
                if own_groups
                else ""
            ),
            approach=rng.choice(APPROACHES),
            target_groups=rng.sample(targets, min(len(targets), rng.randint(2, 4))),
            languages=["nl"] + rng.sample(["en", "de", "tr", "ar", "pl"], rng.randint(0, 2)),
            specialisms=", ".join(rng.sample(SPECIALISMS, rng.randint(1, 3))),
            phone=f"{area} {subscriber[:3]} {subscriber[3:]}",
            email=provider.email,
            website=provider.website,
            locations=locations,
        )
        count += 1
    ctx.log(f"  {count} aanbiedersprofielen in de zorgvinder")
