from faker import Faker

from zorgregio.demo.files import import_file, write_csv
from zorgregio.demo.registry import DemoContext, demo_step

from .models import LegalForm, Provider

PATTERNS = [
    "{last} Zorg",
    "Zorggroep {city}",
    "Stichting {last}",
    "Thuiszorg {last}",
    "Begeleiding {last} & {last2}",
    "{last} Dagbesteding",
    "Zorgboerderij De {farm}",
    "Stichting Wonen en Welzijn {city}",
    "Huishoudelijke Hulp {city}",
    "{last} Coaching",
    "Jeugdhulp {last}",
    "Ambulante Begeleiding {city}",
    "Zorgcoöperatie {city}",
]
FARMS = ["Hoeve", "Boomgaard", "Ruimte", "Linde", "Eik", "Klaver", "Wei", "Esch", "Haverkamp"]
FORMS = [LegalForm.BV] * 5 + [LegalForm.STICHTING] * 4 + [LegalForm.EENMANSZAAK, LegalForm.VOF]


@demo_step(order=20, name="aanbieders")
def build_providers(ctx: DemoContext) -> None:
    faker = Faker("nl_NL")
    faker.seed_instance(ctx.seed)
    cities = list(ctx.region.municipalities.values_list("name", flat=True))
    count = ctx.scaled(300, minimum=10)
    kvk_numbers = ctx.rng.sample(range(10_000_000, 99_999_999), count)
    agb_numbers = ctx.rng.sample(range(0, 1_000_000), count)
    names: set[str] = set()
    providers: list[tuple] = []
    while len(providers) < count:
        name = ctx.rng.choice(PATTERNS).format(
            last=faker.last_name(),
            last2=faker.last_name(),
            city=ctx.rng.choice(cities),
            farm=ctx.rng.choice(FARMS),
        )
        if name in names:
            continue
        names.add(name)
        i = len(providers)
        slug = "".join(c for c in name.lower() if c.isalnum())[:30]
        providers.append(
            (
                name,
                str(kvk_numbers[i]),
                f"98{agb_numbers[i]:06d}",
                ctx.rng.choice(FORMS).value,
                f"info@{slug}.nl",
                f"https://www.{slug}.nl",
                faker.street_name(),
                str(ctx.rng.randint(1, 250)),
                f"{ctx.rng.randint(6800, 8199)} {faker.random_uppercase_letter()}"
                f"{faker.random_uppercase_letter()}",
                ctx.rng.choice(cities),
            )
        )
    # The providers arrive as a region's file (e.g. an export of its tender platform).
    path = write_csv(
        "aanbieders.csv",
        ["naam", "kvk_nummer", "agb_code", "rechtsvorm", "email", "website", "straat",
         "huisnummer", "postcode", "plaats"],
        providers,
    )  # fmt: skip
    import_file(ctx, "aanbieders", path)
    providers = list(Provider.objects.filter(regions=ctx.region).order_by("pk"))
    ctx.data["providers"] = providers
    ctx.log(f"  {len(providers)} zorgaanbieders")
