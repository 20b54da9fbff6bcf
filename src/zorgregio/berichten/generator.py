"""A seeded, realistic iWmo/iJw 3.2 message archive for a region: the demo's message traffic.

The generator reads what the region has (municipalities with CBS codes, providers with AGB codes,
products with their tariffs, admissions from the contract register) into a plain
:class:`Catalogue`, simulates clients over a span of years and writes every message as the
standard sends it: one message per file, in the order the parties would have sent them.

Simulated per client: an optional request (315) with its answer (319: rejected or under
investigation), the toewijzing (301), a waiting time until the start of care (305, a few
deleted and re-sent starts), scaling up or down between intensities of a product group after a
request for change (317, a new 301 ending the old product and assigning the new one), the end of
care (307, planned or early), extensions, youths turning 18 moving from Jeugdwet to Wmo, and a
monthly declaration (323) per provider, municipality and law with credits and corrected lines.
A small share of the declaration lines is faulty on purpose (see :data:`FAULT_KINDS`) so the
checks and signals have something to find; which lines are faulty is written to
``manifest.json`` beside the message folder.

XML is written with string templates (values are codes, dates and digits; names are escaped), so
a million declaration lines are written in about a minute. Every message validates against the
official XSDs (``berichten/tests/test_generator.py`` proves it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

XSD_VERSION = "1.0.0"  # BasisschemaXsdVersie and BerichtXsdVersie, as in the 3.2 examples

BERICHTCODE = {  # COD002 (Vektis): the BerichtCode of each message per standard
    "iwmo": {"301": "414", "305": "418", "307": "420", "315": "444", "317": "480", "319": "482",
             "323": "484"},
    "ijw": {"301": "436", "305": "438", "307": "440", "315": "446", "317": "486", "319": "488",
            "323": "490"},
}  # fmt: skip
FROM_MUNICIPALITY = {"301", "319"}

# Within one day, messages go out in the order of the process.
_RANK = {"315": 0, "319": 1, "301": 2, "305": 3, "317": 4, "307": 5, "323": 6}

FAULT_KINDS = (
    "over_volume",  # more delivered than assigned (TR321/TR322)
    "outside_period",  # product period before the toewijzing starts (TR307)
    "wrong_tariff",  # not the contracted tariff (TR418)
    "no_toewijzing",  # a toewijzingnummer the municipality never sent (TR338)
    "after_stop",  # declared for a month after the 307 stop
    "duplicate_reference",  # a ReferentieNummer used before (TR314)
)

SURNAMES = [
    ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("", "Bakker"), ("", "Visser"),
    ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"),
    ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"),
    ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"),
    ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"),
    ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"),
    ("van den", "Broek"), ("de", "Bruijn"), ("", "Schouten"), ("", "Willems"), ("", "Hoekstra"),
    ("", "Koster"), ("", "Prins"), ("", "Kuipers"), ("van", "Dam"), ("", "Huisman"),
    ("", "Wolters"), ("", "Postma"), ("", "Oosterhuis"), ("ter", "Horst"), ("", "Lammers"),
    ("", "Çelik"), ("", "Yılmaz"), ("El", "Amrani"), ("", "Nguyen"), ("", "Kowalski"),
]  # fmt: skip
FIRST_NAMES = [
    ("Anna", "2"), ("Emma", "2"), ("Julia", "2"), ("Sophie", "2"), ("Fleur", "2"),
    ("Maria", "2"), ("Johanna", "2"), ("Wilhelmina", "2"), ("Fatima", "2"), ("Noor", "2"),
    ("Daan", "1"), ("Sem", "1"), ("Lucas", "1"), ("Jan", "1"), ("Pieter", "1"),
    ("Hendrik", "1"), ("Gerrit", "1"), ("Mohammed", "1"), ("Bram", "1"), ("Thijs", "1"),
    ("Chris", "0"), ("Sam", "0"),
]  # fmt: skip
STREETS = [
    "Dorpsstraat", "Kerkstraat", "Molenweg", "Stationsweg", "Schoolstraat", "Beukenlaan",
    "Eikenlaan", "IJsselkade", "Veluwelaan", "Marktplein", "Hoofdstraat", "Julianalaan",
]  # fmt: skip


# --------------------------------------------------------------------------------------------
# The catalogue: what the region buys, from whom, at which tariff
# --------------------------------------------------------------------------------------------


OUTPUT_UNIT = "82"  # WJ756 Stuks (output)
OUTPUT_MONTHS = (2, 3, 4, 6)  # a trajectory is short: its output is declared when it ends
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class TariffSpec:
    cents: int
    valid_from: dt.date
    valid_until: dt.date | None = None
    municipality: str | None = None  # CBS code; None: region-wide


@dataclass(frozen=True)
class ProductSpec:
    key: int
    law: str  # "wmo" or "jw"
    categorie: str
    code: str
    unit: str
    group: str
    rank: int | None = None
    frequencies: tuple[str, ...] = ()
    valid_from: dt.date = dt.date(2000, 1, 1)
    valid_until: dt.date | None = None
    tariffs: tuple[TariffSpec, ...] = ()

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def output(self) -> bool:
        """An output product (WJ756 82, Stuks (output)): a price per output, declared once."""
        return self.unit == OUTPUT_UNIT


@dataclass(frozen=True)
class AdmissionSpec:
    provider: str  # AGB code
    municipality: str  # CBS code
    product: int  # ProductSpec.key
    valid_from: dt.date
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class VariantSpec:
    """A funding variant of a product group in a municipality (the variant register)."""

    group: str  # product group code
    municipality: str  # CBS code
    variant: str  # inspanningsgericht, outputgericht or taakgericht
    valid_from: dt.date
    valid_until: dt.date | None = None


TASK_ORIENTED = "taakgericht"


@dataclass
class Catalogue:
    municipalities: dict[str, int]  # CBS code -> weight (inhabitants)
    providers: list[str]  # AGB codes
    products: list[ProductSpec]
    admissions: list[AdmissionSpec]
    notes: list[str] = field(default_factory=list)
    variants: list[VariantSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._products = {p.key: p for p in self.products}
        self._admitted: dict[tuple[str, int], list[AdmissionSpec]] = defaultdict(list)
        for admission in self.admissions:
            self._admitted[admission.municipality, admission.product].append(admission)
        self._tasks: dict[tuple[str, str], list[VariantSpec]] = defaultdict(list)
        for variant in self.variants:
            if variant.variant == TASK_ORIENTED:
                self._tasks[variant.group, variant.municipality].append(variant)

    @property
    def laws(self) -> list[str]:
        return sorted({p.law for p in self.products if p.tariffs})

    def product(self, key: int) -> ProductSpec:
        return self._products[key]

    def tariff(self, product: ProductSpec, municipality: str, day: dt.date) -> int | None:
        """The contracted tariff: the municipality's own before the region-wide one."""
        best = None
        for tariff in product.tariffs:
            if tariff.valid_from <= day and (
                tariff.valid_until is None or day <= tariff.valid_until
            ):
                if tariff.municipality == municipality:
                    return tariff.cents
                if tariff.municipality is None:
                    best = tariff.cents
        return best

    def admitted_until(self, agb: str, municipality: str, product: int, day: dt.date):
        """Whether ``agb`` is admitted on ``day``, and until when: ``(True, last day or None)``,
        or ``(False, None)``. A toewijzing ends by then, or its lines would break the
        contract register (ZR01) without being a planted fault."""
        for a in self._admitted.get((municipality, product), ()):
            if (
                a.provider == agb
                and a.valid_from <= day
                and (a.valid_until is None or day <= a.valid_until)
            ):
                return True, a.valid_until
        return False, None

    def task_oriented(self, group: str, municipality: str, day: dt.date) -> bool:
        """Whether the group is taakgericht in the municipality on ``day``: no toewijzing and
        no declaration per client there (a 323 line would be refused, ZR04)."""
        return any(
            v.valid_from <= day and (v.valid_until is None or day <= v.valid_until)
            for v in self._tasks.get((group, municipality), ())
        )

    def per_client_until(self, group: str, municipality: str, day: dt.date) -> dt.date | None:
        """The last day from ``day`` on that the group is paid per client in the municipality:
        the day before the next taakgericht period starts, or None when none follows."""
        starts = [
            v.valid_from for v in self._tasks.get((group, municipality), ()) if v.valid_from > day
        ]
        return min(starts) - dt.timedelta(days=1) if starts else None

    def admitted(self, municipality: str, product: int, day: dt.date) -> list[str]:
        return [
            a.provider
            for a in self._admitted.get((municipality, product), ())
            if a.valid_from <= day and (a.valid_until is None or day <= a.valid_until)
        ]


def catalogue_from_db(region=None) -> Catalogue:
    """Read the region's municipalities, providers, products, tariffs and admissions.

    Admissions come from the contract register's ``admission_periods`` (the same answer the
    declaration checks use): a group admission counts for every product of the group, only
    deliverable admissions count. Providers without an AGB code cannot send messages and are
    left out.
    """
    from zorgregio.aanbieders.models import Provider
    from zorgregio.contracten.models import Admission, AdmissionStatus
    from zorgregio.producten.models import GroupVariant, Product, Tariff
    from zorgregio.regio.models import Inhabitants, Municipality

    municipalities = Municipality.objects.all()
    if region is not None:
        municipalities = municipalities.filter(region=region)
    weights: dict[str, int] = {}
    for m in municipalities.order_by("cbs_code"):
        latest = Inhabitants.objects.filter(municipality=m).order_by("-year").first()
        weights[m.cbs_code] = latest.count if latest else 10_000
    providers = Provider.objects.exclude(agb_code__isnull=True).exclude(agb_code="")
    if region is not None:
        providers = providers.filter(regions=region)
    agb_by_pk = dict(providers.values_list("pk", "agb_code"))

    tariffs: dict[int, list[TariffSpec]] = defaultdict(list)
    for t in Tariff.objects.select_related("municipality").order_by("valid_from", "pk"):
        cbs = t.municipality.cbs_code if t.municipality_id else None
        if cbs is not None and cbs not in weights:
            continue
        tariffs[t.product_id].append(TariffSpec(t.amount_cents, t.valid_from, t.valid_until, cbs))
    products = []
    group_products: dict[int, list[int]] = defaultdict(list)
    for p in Product.objects.select_related("group").order_by("pk"):
        products.append(
            ProductSpec(
                key=p.pk,
                law=p.law,
                categorie=p.productcategorie,
                code=p.productcode,
                unit=p.unit,
                group=p.group.code,
                rank=p.intensity_rank,
                frequencies=tuple(str(f) for f in (p.allowed_frequencies or [])),
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                tariffs=tuple(tariffs.get(p.pk, ())),
            )
        )
        group_products[p.group_id].append(p.pk)
    cbs_by_pk = dict(municipalities.values_list("pk", "cbs_code"))
    admissions = []
    try:  # the contract register's own answer, as the declaration checks use it
        from zorgregio.contracten.selectors import admission_periods

        periods = admission_periods()
    except ImportError:
        periods = defaultdict(list)
        rows = Admission.objects.filter(
            status__in=[AdmissionStatus.ACTIVE, AdmissionStatus.CLIENT_STOP]
        ).values_list(
            "provider_id", "product_id", "product_group_id", "municipality_id", "valid_from",
            "valid_until",
        )  # fmt: skip
        for provider_id, product_id, group_id, municipality_id, first, last in rows:
            keys = [product_id] if product_id else group_products.get(group_id, [])
            for key in keys:
                periods[provider_id, key, municipality_id].append((first, last))
    for (provider_id, product_id, municipality_id), spans in sorted(periods.items()):
        agb, cbs = agb_by_pk.get(provider_id), cbs_by_pk.get(municipality_id)
        if agb is None or cbs is None:
            continue
        admissions.extend(AdmissionSpec(agb, cbs, product_id, f, u) for f, u in spans)
    variants = [
        VariantSpec(group, cbs, variant, first, last)
        for group, cbs, variant, first, last in GroupVariant.objects.filter(
            municipality__in=municipalities
        )
        .order_by("group__code", "municipality__cbs_code", "valid_from")
        .values_list(
            "group__code", "municipality__cbs_code", "variant", "valid_from", "valid_until"
        )
    ]
    return Catalogue(weights, sorted(agb_by_pk.values()), products, admissions, variants=variants)


def assume_admissions(catalogue: Catalogue, rng: random.Random, start: dt.date) -> Catalogue:
    """A catalogue whose register is still empty: admit each provider for one to three product
    groups in two to five municipalities from ``start`` (a stand-in, noted in ``notes``)."""
    groups: dict[str, list[ProductSpec]] = defaultdict(list)
    for p in catalogue.products:
        groups[p.group].append(p)
    names = sorted(groups)
    cbs_codes = sorted(catalogue.municipalities)
    admissions = []
    for agb in catalogue.providers:
        for group in rng.sample(names, min(len(names), rng.randint(1, 3))):
            for cbs in rng.sample(cbs_codes, min(len(cbs_codes), rng.randint(2, 5))):
                admissions.extend(AdmissionSpec(agb, cbs, p.key, start) for p in groups[group])
    notes = [*catalogue.notes, "no admissions in the register: admissions were assumed"]
    return Catalogue(
        catalogue.municipalities,
        catalogue.providers,
        catalogue.products,
        admissions,
        notes,
        catalogue.variants,
    )


# --------------------------------------------------------------------------------------------
# Identifiers and dates
# --------------------------------------------------------------------------------------------


def make_bsn(rng: random.Random) -> str:
    """A random 9-digit number passing the elfproef (not a real person's, but a valid format)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10 and total - check != 0:
            return "".join(map(str, digits)) + str(check)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: dt.date) -> dt.date:
    return month_end(day) + dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def birthday(born: dt.date, age: int) -> dt.date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # 29 February
        return dt.date(born.year + age, 3, 1)


# --------------------------------------------------------------------------------------------
# The simulation
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    bsn: str
    born: dt.date
    gender: str
    first: str
    prefix: str
    surname: str
    street: str
    number: int
    postcode: str
    city: str


@dataclass(slots=True)
class Toewijzing:
    nr: int
    law: str
    cbs: str
    agb: str
    person: Person
    product: ProductSpec
    assigned: dt.date  # toewijzingsdatum
    start: dt.date  # ingangsdatum
    end: dt.date | None  # einddatum
    volume: int
    frequency: str
    referentie: str = ""
    reden: str = ""
    begin: dt.date | None = None  # Begindatum of the 305
    stop: dt.date | None = None  # Einddatum of the 307
    early_stop: bool = False

    def snapshot(self) -> tuple:
        return (self.nr, self.referentie, self.product, self.assigned, self.start, self.end,
                self.reden, self.volume, self.product.unit, self.frequency)  # fmt: skip


@dataclass
class ArchiveResult:
    root: Path  # the folder with the messages
    paths: list[Path]  # every message file, in the order they were sent
    stats: dict
    zip_path: Path | None = None


# RedenBeeindiging (WMO588 / JZ588): planned end, early ends, moving away. The codes differ:
# 31 is "moved" in the Wmo and "ended as planned" in the Jeugdwet.
_REDEN_BEEINDIGING = {
    "wmo": ("19", ("21", "22", "23", "23", "02", "31", "38"), "31"),
    "jw": ("31", ("32", "33", "34", "34", "02", "35", "38"), "35"),
}

# Default omvang per unit (WJ756): frequency (WMO757) and a range of volumes.
_OMVANG = {
    "01": ("2", 60, 480),  # minutes per week
    "04": ("2", 1, 8),  # hours per week
    "16": ("2", 1, 6),  # dagdelen per week
    "14": ("4", 2, 10),  # etmalen per month
    "82": ("4", 1, 4),  # pieces (output) per month
    "84": ("4", 1, 6),  # pieces (effort) per month
    "83": ("4", 15_000, 90_000),  # eurocents per month (in euros the volume is the amount)
}


def _allowed_rounded_up(volume: int, frequency: str, days: int) -> int:
    """The most a period of ``days`` days (in one month) can allow: weeks rounded up."""
    if frequency == "1":
        return volume * days
    if frequency == "2":
        return volume * -(-days // 7)
    return volume


def _allowed(volume: int, frequency: str, days: int, month_days: int) -> float:
    """What the toewijzing allows in a period of ``days`` days (TR321)."""
    if frequency == "1":
        return volume * days
    if frequency == "2":
        return volume * days / 7
    if frequency == "4":
        return volume * days / month_days
    return volume  # "6": the total over the toewijzing; spread by the caller


class ArchiveGenerator:
    """Simulates ``clients`` clients between ``start`` and ``end`` and writes their messages."""

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        seed: int = 2026,
        clients: int = 3000,
        start: dt.date = dt.date(2023, 1, 1),
        end: dt.date = dt.date(2026, 10, 31),
        jw_share: float = 0.4,
        fault_rate: float = 0.02,
        credit_rate: float = 0.01,
        request_rate: float = 0.35,
        change_rate: float = 0.15,
        months: tuple[int, ...] = (3, 6, 6, 12, 12, 12, 18, 24),
        provider_skew: float = 1.1,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.rng = random.Random(seed)
        self.clients = clients
        self.start = start
        self.end = end
        self.fault_rate = fault_rate
        self.credit_rate = credit_rate
        self.request_rate = request_rate
        self.change_rate = change_rate
        self.months = months  # durations of a toewijzing to choose from
        self.log = log or (lambda _text: None)
        self.laws = catalogue.laws
        self.jw_share = jw_share if "jw" in self.laws and "wmo" in self.laws else None
        self.stats: Counter = Counter()
        self.faults: list[dict] = []
        self.events: dict[dt.date, list[tuple]] = defaultdict(list)  # month -> events
        self.declared: dict[dt.date, list[Toewijzing]] = defaultdict(list)  # month -> toew.
        self._seq = 0
        self._toewijzing_nr = 1_000_000
        self._ref = 0
        self._request = 0
        self._bsns: set[str] = set()
        self._last_ref: dict[tuple[str, str], str] = {}
        self._after_stop_pending: dict[dt.date, list[Toewijzing]] = defaultdict(list)
        # Provider sizes follow a Pareto distribution: a lower skew gives a few very large
        # providers (and so larger declarations).
        cap = 50.0 if provider_skew >= 1 else 5000.0
        self._size = {
            agb: min(cap, self.rng.paretovariate(provider_skew)) for agb in catalogue.providers
        }
        cbs = sorted(catalogue.municipalities)
        self._cbs = cbs
        self._cbs_weights = [catalogue.municipalities[c] for c in cbs]
        self._groups: dict[str, dict[str, list[ProductSpec]]] = defaultdict(dict)
        for p in catalogue.products:
            if p.tariffs:
                self._groups[p.law].setdefault(p.group, []).append(p)
        for groups in self._groups.values():
            for products in groups.values():
                products.sort(key=lambda p: (p.rank or 99, p.code))

    # ---- events ----------------------------------------------------------------------------

    def _event(self, day: dt.date, kind: str, *payload) -> None:
        if day > self.end or day < self.start:
            return
        self._seq += 1
        self.events[month_start(day)].append((day, _RANK[kind], self._seq, kind, payload))

    def _next_ref(self, law: str) -> str:
        self._ref += 1
        return f"{'W' if law == 'wmo' else 'J'}{self._ref:010d}"

    # ---- clients ---------------------------------------------------------------------------

    def _person(self, law: str, first_day: dt.date) -> Person:
        rng = self.rng
        bsn = make_bsn(rng)
        while bsn in self._bsns:
            bsn = make_bsn(rng)
        self._bsns.add(bsn)
        if law == "jw":
            # Youths: some turn 18 during the archive, so Jeugdwet care ends and Wmo may follow.
            age_days = rng.randint(365, 18 * 365 - 30) if rng.random() < 0.8 else 17 * 365
        else:
            age_days = int(365.25 * min(100, max(18, rng.gauss(68, 16))))
        born = first_day - dt.timedelta(days=age_days + rng.randint(0, 364))
        first, gender = rng.choice(FIRST_NAMES)
        prefix, surname = rng.choice(SURNAMES)
        return Person(
            bsn=bsn,
            born=born,
            gender=gender,
            first=first,
            prefix=prefix,
            surname=surname,
            street=rng.choice(STREETS),
            number=rng.randint(1, 250),
            postcode=f"{rng.randint(6800, 8199)}{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
            f"{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
            city="",
        )

    def _pick(self, law: str, cbs: str, day: dt.date, group: str | None = None):
        """A product valid on ``day`` with a tariff and an admitted provider: (product, agb)."""
        groups = self._groups.get(law)
        if not groups:
            return None
        names = [group] if group else sorted(groups)
        for _ in range(6):
            products = [p for p in groups[self.rng.choice(names)] if p.valid_on(day)]
            if products and self.catalogue.task_oriented(products[0].group, cbs, day):
                continue  # taakgericht here: a task budget, no toewijzing per client
            if not products:
                continue
            # Lighter intensities are more common.
            weights = [1 / (i + 1) for i in range(len(products))]
            product = self.rng.choices(products, weights)[0]
            if self.catalogue.tariff(product, cbs, day) is None:
                continue
            providers = self.catalogue.admitted(cbs, product.key, day)
            if providers:
                # A few large providers serve most clients.
                weights = [self._size[agb] for agb in providers]
                return product, self.rng.choices(providers, weights)[0]
        return None

    def _deliverable_until(self, agb: str, cbs: str, product: ProductSpec, day: dt.date):
        """Whether ``agb`` may get a toewijzing for ``product`` from ``day``, and until when:
        admitted, and the product group paid per client (not taakgericht) in the municipality.
        A toewijzing ends the day before the group becomes taakgericht there, or its lines
        would be refused (ZR04) without being a planted fault."""
        catalogue = self.catalogue
        if catalogue.task_oriented(product.group, cbs, day):
            return False, None
        admitted, until = catalogue.admitted_until(agb, cbs, product.key, day)
        per_client = catalogue.per_client_until(product.group, cbs, day)
        if per_client is not None and (until is None or per_client < until):
            until = per_client
        return admitted, until

    def _omvang(self, product: ProductSpec) -> tuple[int, str]:
        if product.output and (not product.frequencies or "6" in product.frequencies):
            return 1, "6"  # one output (a trajectory) in total over the toewijzing
        frequency, low, high = _OMVANG.get(product.unit, ("4", 1, 10))
        if product.frequencies and frequency not in product.frequencies:
            frequency = sorted(product.frequencies)[0]
            if frequency == "6":
                low, high = low * 6, high * 12
            elif frequency == "1":
                low, high = 1, max(1, high // 5)
        return self.rng.randint(low, high), frequency

    def simulate(self) -> None:
        if not self.laws:
            self.log("  no products with tariffs: no messages to generate")
            return
        span = (self.end - self.start).days - 30
        for _ in range(self.clients):
            law = (
                ("jw" if self.rng.random() < self.jw_share else "wmo")
                if self.jw_share is not None
                else self.rng.choice(self.laws)
            )
            day = self.start + dt.timedelta(days=self.rng.randint(0, max(1, span)))
            cbs = self.rng.choices(self._cbs, self._cbs_weights)[0]
            person = self._person(law, day)
            self.stats["clients"] += 1
            self._trajectory(person, law, cbs, day)

    def _trajectory(self, person: Person, law: str, cbs: str, day: dt.date, follow_up=False):
        rng = self.rng
        picked = self._pick(law, cbs, day)
        if picked is None:
            self.stats["clients_without_admitted_provider"] += 1
            return
        product, agb = picked
        volume, frequency = self._omvang(product)
        referentie = ""
        decided = day + dt.timedelta(days=rng.randint(3, 28))
        if not follow_up and rng.random() < self.request_rate:
            # The provider asks for the toewijzing (315); the municipality may reject it or
            # take it into investigation first (319).
            self._request += 1
            referentie = f"VOT{self._request:08d}"
            wanted_end = add_months(day, rng.choice((6, 12, 12, 24))) - dt.timedelta(days=1)
            self._event(day, "315", law, cbs, agb, person, referentie,
                        (product, day, wanted_end, volume, frequency))  # fmt: skip
            roll = rng.random()
            if roll < 0.08:
                self._event(decided, "319", law, cbs, agb, referentie, "1", rng.choice("3479"))
                self.stats["requests_rejected"] += 1
                return
            if roll < 0.2:
                self._event(day + dt.timedelta(days=rng.randint(1, 5)), "319", law, cbs, agb,
                            referentie, "2", "")  # fmt: skip
                decided += dt.timedelta(days=rng.randint(14, 42))
        start = decided + dt.timedelta(days=rng.randint(0, 10))
        admitted, until = self._deliverable_until(agb, cbs, product, start)
        if not product.valid_on(start) or not admitted:
            return
        months = rng.choice(OUTPUT_MONTHS if product.output else self.months)
        end: dt.date | None = add_months(start, months) - dt.timedelta(days=1)
        if law == "wmo" and rng.random() < 0.2 and frequency != "2" and not product.output:
            end = None  # open-ended (e.g. household help); per week needs an end (CD076)
        if product.valid_until and (end is None or end > product.valid_until):
            end = product.valid_until
        if until is not None and (end is None or end > until):
            end = until  # the admission ends: so does the toewijzing
        turns_18 = None
        if law == "jw":
            turns_18 = birthday(person.born, 18)
            if turns_18 <= start:
                return
            if end is None or end >= turns_18:
                end = turns_18 - dt.timedelta(days=1)
        self._toewijzing_nr += 1
        t = Toewijzing(self._toewijzing_nr, law, cbs, agb, person, product, decided, start, end,
                       volume, frequency, referentie)  # fmt: skip
        self.stats[f"toewijzingen_{law}"] += 1
        self._event(decided, "301", t.law, cbs, agb, person, (t.snapshot(),))
        self._deliver(t)
        # What follows: an extension, or at 18 the move from Jeugdwet to Wmo.
        if t.end is not None and not t.early_stop and t.end < self.end:
            if turns_18 is not None and t.end == turns_18 - dt.timedelta(days=1):
                if "wmo" in self.laws and rng.random() < 0.5:
                    self.stats["turned_18_to_wmo"] += 1
                    self._trajectory(person, "wmo", cbs, turns_18 - dt.timedelta(days=21), True)
            elif rng.random() < 0.3:
                self._follow_up(t)

    def _follow_up(self, old: Toewijzing) -> None:
        """Herbeoordeling: a new toewijzing for the same product from the day after the end."""
        start = old.end + dt.timedelta(days=1)
        admitted, until = self._deliverable_until(old.agb, old.cbs, old.product, start)
        if not old.product.valid_on(start) or not admitted:
            return
        self._toewijzing_nr += 1
        end = add_months(start, self.rng.choice((6, 12))) - dt.timedelta(days=1)
        if until is not None:
            end = min(end, until)
        if old.law == "jw":
            end = min(end, birthday(old.person.born, 18) - dt.timedelta(days=1))
            if end < start:
                return
        t = Toewijzing(self._toewijzing_nr, old.law, old.cbs, old.agb, old.person, old.product,
                       start - dt.timedelta(days=self.rng.randint(7, 30)), start, end,
                       old.volume, old.frequency)  # fmt: skip
        t.begin = start
        self.stats["extensions"] += 1
        self._event(t.assigned, "301", t.law, t.cbs, t.agb, t.person, (t.snapshot(),))
        self._deliver(t, continued=True)

    def _deliver(self, t: Toewijzing, continued: bool = False) -> None:
        rng = self.rng
        if t.begin is None:
            # Waiting time between the start of the toewijzing and the start of care.
            wait = min(int(rng.expovariate(1 / 12)), 90)
            t.begin = t.start + dt.timedelta(days=wait)
        if t.end is not None and t.begin > t.end:
            self.stats["never_started"] += 1
            return
        sent = t.begin + dt.timedelta(days=rng.randint(0, 6))
        start_row = (t.nr, t.product, t.start, t.begin)
        if not continued and rng.random() < 0.02:
            # A start reported with the wrong date, deleted (3) and reported again (1).
            wrong = t.begin + dt.timedelta(days=rng.randint(1, 5))
            sent = max(sent, wrong)  # a start is reported once it has begun (TR134)
            self._event(
                sent,
                "305",
                t.law,
                t.cbs,
                t.agb,
                t.person,
                ((t.nr, t.product, t.start, wrong, "1"),),
            )
            sent += dt.timedelta(days=rng.randint(1, 4))
            self._event(
                sent,
                "305",
                t.law,
                t.cbs,
                t.agb,
                t.person,
                ((t.nr, t.product, t.start, wrong, "3"),),
            )
            self.stats["starts_corrected"] += 1
        self._event(sent, "305", t.law, t.cbs, t.agb, t.person, (start_row + ("1",),))
        # Scaling up or down within the product group after a request for change (317).
        group = self._groups[t.law].get(t.product.group, [])
        span = ((t.end or self.end) - t.begin).days
        wants_change = len(group) > 1 and span > 120 and rng.random() < self.change_rate
        if wants_change and self._change(t, group):
            return
        # The end of care: as planned, or early (by the client, the provider, death, moving).
        roll = rng.random()
        stop = t.end
        planned, early, moved = _REDEN_BEEINDIGING[t.law]
        reden = planned
        if roll < 0.25:
            last = t.end or self.end
            if (last - t.begin).days > 30:
                stop = t.begin + dt.timedelta(days=rng.randint(30, (last - t.begin).days))
                reden = rng.choice(early)
                t.early_stop = True
        if stop is None:
            self._declare(t, t.begin, None)
            return
        if t.early_stop and reden in ("02", moved):
            # The municipality ends the toewijzing too (death, moving away).
            t.end = stop
            t.reden = "02" if reden == "02" else "07"
            # Sent before the declaration of the stop month goes out (from the 2nd of the
            # next month), or its line would end before a toewijzing that still runs (TR388).
            ended = min(stop + dt.timedelta(days=rng.randint(1, 10)), month_end(stop) + _DAY)
            self._event(ended, "301", t.law, t.cbs, t.agb, t.person, (t.snapshot(),))
        t.stop = stop
        self._event(stop + dt.timedelta(days=rng.randint(1, 10)), "307", t.law, t.cbs, t.agb,
                    t.person, ((t.nr, t.product, t.start, t.begin, reden, stop),))  # fmt: skip
        self._declare(t, t.begin, stop)

    def _change(self, t: Toewijzing, group: list[ProductSpec]) -> bool:
        rng = self.rng
        last = t.end or self.end
        change = t.begin + dt.timedelta(days=rng.randint(60, (last - t.begin).days - 30))
        index = group.index(t.product) if t.product in group else 0
        options = [
            p
            for p in group
            if p is not t.product
            and p.valid_on(change)
            and t.agb in self.catalogue.admitted(t.cbs, p.key, change)
        ]
        if not options:
            return False  # the provider may deliver no other intensity: no change
        new_product = rng.choice(options)
        up = group.index(new_product) > index
        self.stats["scaled_up" if up else "scaled_down"] += 1
        volume, frequency = self._omvang(new_product)
        if t.end is None and frequency == "2":  # open-ended: per week needs an end (CD076)
            volume, frequency = volume * 4, "4"
        self._request += 1
        referentie = f"VOW{self._request:08d}"
        asked = change - dt.timedelta(days=rng.randint(14, 30))
        asked = max(asked, t.begin + dt.timedelta(days=1))
        self._event(asked, "317", t.law, t.cbs, t.agb, t.person, referentie,
                    (t.nr, t.start, change - dt.timedelta(days=1), t.volume, t.product.unit,
                     t.frequency), (new_product, change, t.end, volume, frequency))  # fmt: skip
        # The municipality honours it: the old product ends, the new one is assigned.
        decided = min(asked + dt.timedelta(days=rng.randint(3, 10)), change)
        new_end = t.end
        _admitted, until = self._deliverable_until(t.agb, t.cbs, new_product, change)
        if until is not None and (new_end is None or new_end > until):
            new_end = until
        t.end = change - dt.timedelta(days=1)
        t.reden = "12"
        t.stop = t.end
        self._toewijzing_nr += 1
        new = Toewijzing(self._toewijzing_nr, t.law, t.cbs, t.agb, t.person, new_product,
                         decided, change, new_end, volume, frequency, referentie)  # fmt: skip
        self._event(decided, "301", t.law, t.cbs, t.agb, t.person, (t.snapshot(), new.snapshot()))
        self._event(change + dt.timedelta(days=rng.randint(0, 5)), "307", t.law, t.cbs, t.agb,
                    t.person, ((t.nr, t.product, t.start, t.begin, "37", t.end),))  # fmt: skip
        t.early_stop = True  # replaced: no extension of the old product
        self._declare(t, t.begin, t.end)
        new.begin = change
        self._deliver(new, continued=True)
        return True

    def _declare(self, t: Toewijzing, first: dt.date, last: dt.date | None) -> None:
        """Record the months in which care was delivered: declared the month after."""
        final = min(last or self.end, self.end)
        month = month_start(first)
        while month <= final:
            self.declared[month].append(t)
            month = next_month(month)

    # ---- declarations ----------------------------------------------------------------------

    def _line(self, t: Toewijzing, month: dt.date, fault: str | None = None):
        """One Prestatie for ``month``, or None when nothing was delivered."""
        rng = self.rng
        m_end = month_end(month)
        p_start = max(month, t.start)
        p_end = m_end if t.end is None else min(m_end, t.end)
        if p_end < p_start:
            return None
        last = t.stop or t.end or m_end
        d_start, d_end = max(p_start, t.begin or p_start), min(p_end, last)
        delivered_days = (d_end - d_start).days + 1
        days = (p_end - p_start).days + 1
        if delivered_days <= 0 and fault != "after_stop":
            return None
        if t.product.output and t.frequency == "6":
            return self._output_line(t, month, p_start, p_end, fault)
        month_days = (m_end - month).days + 1
        allowed = _allowed(t.volume, t.frequency, days, month_days)
        if t.frequency == "6":
            # The total over the toewijzing, spread over the calendar months it touches, so
            # that the lines together never exceed it (TR322).
            last_day = t.end or add_months(t.start, 12)
            months = max(
                1, (last_day.year - t.start.year) * 12 + last_day.month - t.start.month + 1
            )
            allowed = t.volume / months
        share = min(1.0, max(delivered_days, days if fault == "after_stop" else 0) / days)
        volume = int(allowed * share * rng.uniform(0.7, 1.0))
        tariff = self.catalogue.tariff(t.product, t.cbs, p_start)
        if tariff is None:
            tariff = self.catalogue.tariff(t.product, t.cbs, t.start) or 100
        nr = t.nr
        if fault == "over_volume":
            # Over what the toewijzing allows however the weeks are counted (TR321 rounds a
            # part of a week up).
            volume = int(max(allowed, _allowed_rounded_up(t.volume, t.frequency, days)) * 1.5) + 2
        elif fault == "wrong_tariff":
            tariff = tariff + max(1, tariff * rng.randint(5, 15) // 100)
        elif fault == "no_toewijzing":
            nr = 900_000_000 + rng.randint(0, 99_999_999)
        elif fault == "outside_period":
            p_end = t.start - dt.timedelta(days=1)
            p_start = month_start(p_end)
        if volume <= 0:
            if fault is None:
                return None
            volume = 1
        # In euros (Eenheid 83) the volume is the amount and there is no tariff (CD087, CS339).
        amount = volume if t.product.unit == "83" else volume * tariff
        return [t.person.bsn, "", "", nr, t.product.categorie, t.product.code, p_start, p_end,
                volume, t.product.unit, tariff, amount, "D"]  # fmt: skip

    def _output_line(self, t: Toewijzing, month: dt.date, p_start, p_end, fault):
        """An output is declared once, in the month its care ends (the trajectory is done),
        at the price per output: no line in the months before, nothing for a trajectory
        still running when the archive ends."""
        last = t.stop or t.end
        if last is None or month_start(last) != month or fault == "after_stop":
            return None
        price = self.catalogue.tariff(t.product, t.cbs, p_start)
        if price is None:
            price = self.catalogue.tariff(t.product, t.cbs, t.start) or 100
        volume, nr = t.volume, t.nr
        if fault == "over_volume":
            volume = t.volume + 1 + self.rng.randint(0, 1)  # more outputs than assigned (TR322)
        elif fault == "wrong_tariff":
            price = price + max(1, price * self.rng.randint(5, 15) // 100)
        elif fault == "no_toewijzing":
            nr = 900_000_000 + self.rng.randint(0, 99_999_999)
        elif fault == "outside_period":
            p_end = t.start - dt.timedelta(days=1)
            p_start = month_start(p_end)
        return [t.person.bsn, "", "", nr, t.product.categorie, t.product.code, p_start, p_end,
                volume, t.product.unit, price, volume * price, "D"]  # fmt: skip

    def _declarations(self, month: dt.date, pending: dict) -> None:
        """Build the 323s for the care of ``month``, sent in the month after."""
        rng = self.rng
        send_month = next_month(month)
        by_sender: dict[tuple[str, str, str], list[list]] = defaultdict(list)
        # Corrections planned in earlier months: credits and the corrected debits.
        for key, line in pending.pop(month, ()):
            line = list(line)
            if line[12] == "D":
                line[1] = self._next_ref(key[2])
            by_sender[key].append(line)
        stopped_last_month = []
        clean_refs: dict[tuple[str, str], str] = {}
        for t in self.declared.get(month, ()):
            fault = None
            if rng.random() < self.fault_rate:
                fault = rng.choice(FAULT_KINDS[:4] + FAULT_KINDS[5:])
                if fault == "wrong_tariff" and t.product.unit == "83":
                    fault = "over_volume"  # a line in euros has no tariff (CD087)
                if fault == "outside_period" and (
                    month_start(t.start) != month or t.start.day == 1 or t.start <= self.start
                ):
                    fault = "over_volume"
            line = self._line(t, month, fault)
            if line is None:
                continue
            key = (t.agb, t.cbs, t.law)
            if fault == "duplicate_reference" and (t.agb, t.law) in self._last_ref:
                # A reference of a clean line declared in an earlier month.
                line[1] = self._last_ref[t.agb, t.law]
            else:
                line[1] = self._next_ref(t.law)
                if fault == "duplicate_reference":
                    fault = None
                if fault is None:
                    clean_refs[t.agb, t.law] = line[1]
            if fault:
                self._fault(fault, line, t)
            elif rng.random() < self.credit_rate:
                self._plan_credit(month, key, line, pending)
            by_sender[key].append(line)
            if t.early_stop and t.stop is not None and month_start(t.stop) == month:
                stopped_last_month.append(t)
        self._last_ref.update(clean_refs)
        # Declaring after the stop: the month after an early 307, within the toewijzing.
        for t in self._after_stop_pending.pop(month, ()):
            line = self._line(t, month, "after_stop")
            if line is not None:
                line[1] = self._next_ref(t.law)
                self._fault("after_stop", line, t)
                by_sender[(t.agb, t.cbs, t.law)].append(line)
        for t in stopped_last_month:
            if rng.random() < self.fault_rate * 5:
                after = next_month(month)
                if (t.end is None or t.end >= after) and after <= month_start(self.end):
                    self._after_stop_pending[after].append(t)
        for (agb, cbs, law), lines in sorted(by_sender.items()):
            day = send_month + dt.timedelta(days=rng.randint(2, 14))
            self._seq += 1
            nummer = f"{'W' if law == 'wmo' else 'J'}{month:%Y%m}{cbs}"
            payload = (law, cbs, agb, nummer, month, month_end(month), day, lines)
            self.events[send_month].append((day, _RANK["323"], self._seq, "323", payload))

    def _fault(self, kind: str, line: list, t: Toewijzing) -> None:
        self.stats[f"fault_{kind}"] += 1
        self.faults.append({"kind": kind, "provider": t.agb, "municipality": t.cbs,
                            "referentienummer": line[1], "toewijzingnummer": line[3]})  # fmt: skip

    def _plan_credit(self, month: dt.date, key: tuple, line: list, pending: dict) -> None:
        later = add_months(month, self.rng.randint(1, 3))
        if next_month(later) > month_start(self.end):
            return
        credit = list(line)
        credit[2] = line[1]  # VorigReferentieNummer: the debit it takes back (TR323)
        credit[12] = "C"
        self.stats["credits"] += 1
        # Credit lines get their own reference now; corrected debit a month later.
        credit[1] = self._next_ref(key[2])
        pending.setdefault(later, []).append((key, tuple(credit)))
        corrected = list(line)
        corrected[2] = ""
        corrected[8] = max(1, int(line[8] * self.rng.uniform(0.6, 0.95)))
        corrected[11] = corrected[8] if corrected[9] == "83" else corrected[8] * corrected[10]
        corrected[12] = "D"
        pending.setdefault(next_month(later), []).append((key, tuple(corrected)))

    # ---- writing ---------------------------------------------------------------------------

    def write(self, out_dir: Path, *, make_zip: bool = False) -> ArchiveResult:
        out_dir = Path(out_dir)
        root = out_dir / "berichten"
        root.mkdir(parents=True, exist_ok=True)
        self.simulate()
        paths: list[Path] = []
        pending: dict = {}
        writer = _Writer(root)
        assigned: set[int] = set()
        month = month_start(self.start)
        last_month = month_start(self.end)
        while month <= last_month:
            # The declarations for last month go out this month.
            previous = add_months(month, -1)
            if previous >= month_start(self.start):
                self._declarations(previous, pending)
            events = self.events.pop(month, [])
            events.sort(key=lambda e: (e[0], e[1], e[2]))
            for day, _rank, _seq, kind, payload in events:
                if day > self.end:
                    continue
                paths.append(writer.write(day, kind, payload))
                self.stats[f"messages_{kind}"] += 1
                if kind == "301":
                    assigned.update(row[0] for row in payload[4])
                if kind == "323":
                    self.stats["declaration_lines"] += len(payload[7])
                    self.stats["credit_lines"] += sum(1 for ln in payload[7] if ln[12] == "C")
            month = next_month(month)
        self.stats["files"] = len(paths)
        self.stats["toewijzingen"] = len(assigned)
        stats = dict(sorted(self.stats.items()))
        manifest = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "laws": self.laws,
            "notes": self.catalogue.notes,
            "stats": stats,
            "faults": self.faults,
        }
        (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        zip_path = None
        if make_zip:
            zip_path = out_dir / "berichten.zip"
            with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in paths:
                    archive.write(path, path.relative_to(root).as_posix())
        return ArchiveResult(root=root, paths=paths, stats=stats, zip_path=zip_path)


def _d(day: dt.date) -> str:
    return day.isoformat()


class _Writer:
    """Writes one message per file: ``YYYY/MM/YYYYMMDD-<seq>-<TYPE>-<from>-<to>.xml``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0
        self.dirs: set[Path] = set()

    def write(self, day: dt.date, kind: str, payload: tuple) -> Path:
        law, cbs, agb = payload[0], payload[1], payload[2]
        std = "iwmo" if law == "wmo" else "ijw"
        prefix = f"{'wmo' if law == 'wmo' else 'jw'}{kind}"
        sender, receiver = (cbs, agb) if kind in FROM_MUNICIPALITY else (agb, cbs)
        self.count += 1
        folder = self.root / f"{day:%Y}" / f"{day:%m}"
        if folder not in self.dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self.dirs.add(folder)
        path = folder / f"{day:%Y%m%d}-{self.count:07d}-{prefix.upper()}-{sender}-{receiver}.xml"
        b = std
        head = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<{prefix}:Bericht xmlns:{b}="http://www.istandaarden.nl/{std}/3_2/basisschema/schema"'
            f' xmlns:{prefix}="http://www.istandaarden.nl/{std}/3_2/{prefix}/schema">\n'
            f"<{prefix}:Header><{prefix}:BerichtCode>{BERICHTCODE[std][kind]}</{prefix}:BerichtCode>"
            f"<{prefix}:BerichtVersie>3</{prefix}:BerichtVersie>"
            f"<{prefix}:BerichtSubversie>2</{prefix}:BerichtSubversie>"
            f"<{prefix}:Afzender>{sender}</{prefix}:Afzender>"
            f"<{prefix}:Ontvanger>{receiver}</{prefix}:Ontvanger>"
            f"<{prefix}:BerichtIdentificatie><{b}:Identificatie>{self.count:012d}</{b}:Identificatie>"
            f"<{b}:Dagtekening>{_d(day)}</{b}:Dagtekening></{prefix}:BerichtIdentificatie>"
            f"<{prefix}:XsdVersie><{b}:BasisschemaXsdVersie>{XSD_VERSION}</{b}:BasisschemaXsdVersie>"
            f"<{b}:BerichtXsdVersie>{XSD_VERSION}</{b}:BerichtXsdVersie></{prefix}:XsdVersie>"
            f"</{prefix}:Header>\n"
        )
        body = getattr(self, f"_m{kind}")(prefix, b, day, payload)
        with path.open("w", encoding="utf-8") as handle:
            handle.write(head)
            if isinstance(body, str):
                handle.write(body)
            else:
                handle.writelines(body)
            handle.write(f"</{prefix}:Bericht>\n")
        return path

    # ---- parts -----------------------------------------------------------------------------

    @staticmethod
    def _name(p: str, b: str, person: Person, full: bool) -> str:
        prefix = (
            f"<{b}:Voorvoegsel>{escape(person.prefix)}</{b}:Voorvoegsel>" if person.prefix else ""
        )
        name = (
            f"<{p}:Naam><{b}:Geslachtsnaam><{b}:Achternaam>{escape(person.surname)}</{b}:Achternaam>"
            f"{prefix}</{b}:Geslachtsnaam><{b}:Voornamen>{escape(person.first)}</{b}:Voornamen>"
            f"<{b}:Voorletters>{person.first[0]}</{b}:Voorletters>"
        )
        if full:
            name += f"<{b}:NaamGebruik>1</{b}:NaamGebruik>"
        return name + f"</{p}:Naam>"

    def _client(self, p: str, b: str, person: Person, full: bool = False) -> str:
        return (
            f"<{p}:Bsn>{person.bsn}</{p}:Bsn><{p}:Geboortedatum><{b}:Datum>{_d(person.born)}"
            f"</{b}:Datum></{p}:Geboortedatum><{p}:Geslacht>{person.gender}</{p}:Geslacht>"
            + self._name(p, b, person, full)
        )

    @staticmethod
    def _product(p: str, b: str, product: ProductSpec) -> str:
        return (
            f"<{p}:Product><{b}:Categorie>{product.categorie}</{b}:Categorie>"
            f"<{b}:Code>{escape(product.code)}</{b}:Code></{p}:Product>"
        )

    @staticmethod
    def _omvang(p: str, b: str, volume: int, unit: str, frequency: str) -> str:
        return (
            f"<{p}:Omvang><{b}:Volume>{volume}</{b}:Volume><{b}:Eenheid>{unit}</{b}:Eenheid>"
            f"<{b}:Frequentie>{frequency}</{b}:Frequentie></{p}:Omvang>"
        )

    # ---- messages --------------------------------------------------------------------------

    def _m301(self, p, b, day, payload) -> str:
        _law, _cbs, _agb, person, toewijzingen = payload
        parts = [
            f"<{p}:Client>",
            self._client(p, b, person, full=True),
            f"<{p}:Contactgegevens><{p}:Contact><{p}:Soort>01</{p}:Soort><{p}:Adres><{b}:Huis>"
            f"<{b}:Huisnummer>{person.number}</{b}:Huisnummer></{b}:Huis>"
            f"<{b}:Postcode>{person.postcode}</{b}:Postcode>"
            f"<{b}:Straatnaam>{person.street}</{b}:Straatnaam><{b}:LandCode>NL</{b}:LandCode>"
            f"</{p}:Adres></{p}:Contact></{p}:Contactgegevens><{p}:ToegewezenProducten>",
        ]
        for nr, ref, product, assigned, start, end, reden, volume, unit, freq in toewijzingen:
            parts.append(
                f"<{p}:ToegewezenProduct><{p}:ToewijzingNummer>{nr}</{p}:ToewijzingNummer>"
                + (f"<{p}:ReferentieAanbieder>{ref}</{p}:ReferentieAanbieder>" if ref else "")
                + self._product(p, b, product)
                + f"<{p}:Toewijzingsdatum>{_d(assigned)}</{p}:Toewijzingsdatum>"
                f"<{p}:Toewijzingstijd>{9 + nr % 8:02d}:{nr % 60:02d}:00</{p}:Toewijzingstijd>"
                f"<{p}:Ingangsdatum>{_d(start)}</{p}:Ingangsdatum>"
                + (f"<{p}:Einddatum>{_d(end)}</{p}:Einddatum>" if end else "")
                + (f"<{p}:RedenWijziging>{reden}</{p}:RedenWijziging>" if reden else "")
                + self._omvang(p, b, volume, unit, freq)
                + f"</{p}:ToegewezenProduct>"
            )
        parts.append(f"</{p}:ToegewezenProducten></{p}:Client>\n")
        return "".join(parts)

    def _m305(self, p, b, day, payload) -> str:
        _law, _cbs, _agb, person, starts = payload
        rows = "".join(
            f"<{p}:StartProduct><{p}:ToewijzingNummer>{nr}</{p}:ToewijzingNummer>"
            + self._product(p, b, product)
            + f"<{p}:ToewijzingIngangsdatum>{_d(start)}</{p}:ToewijzingIngangsdatum>"
            f"<{p}:Begindatum>{_d(begin)}</{p}:Begindatum>"
            f"<{p}:StatusAanlevering>{status}</{p}:StatusAanlevering></{p}:StartProduct>"
            for nr, product, start, begin, status in starts
        )
        return (
            f"<{p}:Client>{self._client(p, b, person)}<{p}:StartProducten>{rows}"
            f"</{p}:StartProducten></{p}:Client>\n"
        )

    def _m307(self, p, b, day, payload) -> str:
        _law, _cbs, _agb, person, stops = payload
        rows = "".join(
            f"<{p}:StopProduct><{p}:ToewijzingNummer>{nr}</{p}:ToewijzingNummer>"
            + self._product(p, b, product)
            + f"<{p}:ToewijzingIngangsdatum>{_d(start)}</{p}:ToewijzingIngangsdatum>"
            f"<{p}:Begindatum>{_d(begin)}</{p}:Begindatum>"
            f"<{p}:RedenBeeindiging>{reden}</{p}:RedenBeeindiging>"
            f"<{p}:Einddatum>{_d(end)}</{p}:Einddatum>"
            f"<{p}:StatusAanlevering>1</{p}:StatusAanlevering></{p}:StopProduct>"
            for nr, product, start, begin, reden, end in stops
        )
        return (
            f"<{p}:Client>{self._client(p, b, person)}<{p}:StopProducten>{rows}"
            f"</{p}:StopProducten></{p}:Client>\n"
        )

    def _m315(self, p, b, day, payload) -> str:
        _law, _cbs, _agb, person, ref, (product, start, end, volume, freq) = payload
        return (
            f"<{p}:Client>{self._client(p, b, person)}<{p}:AangevraagdeProducten>"
            f"<{p}:AangevraagdProduct><{p}:ReferentieAanbieder>{ref}</{p}:ReferentieAanbieder>"
            + self._product(p, b, product)
            + f"<{p}:ToewijzingIngangsdatum>{_d(start)}</{p}:ToewijzingIngangsdatum>"
            f"<{p}:ToewijzingEinddatum>{_d(end)}</{p}:ToewijzingEinddatum>"
            + self._omvang(p, b, volume, product.unit, freq)
            + f"<{p}:Verwijzer><{b}:Type>{'02' if p.startswith('jw') else '01'}</{b}:Type>"
            f"<{b}:Naam>{'Huisarts' if p.startswith('jw') else 'Wmo-consulent'}</{b}:Naam>"
            f"</{p}:Verwijzer></{p}:AangevraagdProduct></{p}:AangevraagdeProducten>"
            f"</{p}:Client>\n"
        )

    def _m317(self, p, b, day, payload) -> str:
        _law, _cbs, _agb, person, ref, change, new = payload
        nr, start, end, volume, unit, freq = change
        product, new_start, new_end, new_volume, new_freq = new
        return (
            f"<{p}:Client><{p}:Bsn>{person.bsn}</{p}:Bsn><{p}:Verzoek>"
            f"<{p}:ReferentieAanbieder>{ref}</{p}:ReferentieAanbieder>"
            f"<{p}:RedenVerzoek>1</{p}:RedenVerzoek>"
            f"<{p}:TeWijzigenProducten><{p}:TeWijzigenProduct>"
            f"<{p}:ToewijzingNummer>{nr}</{p}:ToewijzingNummer>"
            f"<{p}:GewensteIngangsdatum>{_d(start)}</{p}:GewensteIngangsdatum>"
            f"<{p}:Einddatum>{_d(end)}</{p}:Einddatum>"
            + self._omvang(p, b, volume, unit, freq)
            + f"</{p}:TeWijzigenProduct></{p}:TeWijzigenProducten>"
            f"<{p}:NieuweProducten><{p}:NieuwProduct>"
            + self._product(p, b, product)
            + f"<{p}:GewensteIngangsdatum>{_d(new_start)}</{p}:GewensteIngangsdatum>"
            + (f"<{p}:Einddatum>{_d(new_end)}</{p}:Einddatum>" if new_end else "")
            + self._omvang(p, b, new_volume, product.unit, new_freq)
            + f"</{p}:NieuwProduct></{p}:NieuweProducten></{p}:Verzoek></{p}:Client>\n"
        )

    def _m319(self, p, b, day, payload) -> str:
        _law, _cbs, _agb, ref, answer, reason = payload
        return (
            f"<{p}:Antwoord><{p}:ReferentieAanbieder>{ref}</{p}:ReferentieAanbieder>"
            f"<{p}:VerzoekAntwoord>{answer}</{p}:VerzoekAntwoord>"
            + (f"<{p}:RedenAfwijzingVerzoek>{reason}</{p}:RedenAfwijzingVerzoek>" if reason else "")
            + f"</{p}:Antwoord>\n"
        )

    def _m323(self, p, b, day, payload) -> Iterable[str]:
        _law, _cbs, _agb, nummer, first, last, sent, lines = payload
        total = sum(ln[11] if ln[12] == "D" else -ln[11] for ln in lines)
        yield (
            f"<{p}:Declaratie><{p}:DeclaratieNummer>{nummer}</{p}:DeclaratieNummer>"
            f"<{p}:DeclaratiePeriode><{b}:Begindatum>{_d(first)}</{b}:Begindatum>"
            f"<{b}:Einddatum>{_d(last)}</{b}:Einddatum></{p}:DeclaratiePeriode>"
            f"<{p}:DeclaratieDagtekening>{_d(sent)}</{p}:DeclaratieDagtekening>"
            f"<{p}:TotaalIngediendBedrag><{b}:TotaalBedrag>{abs(total)}</{b}:TotaalBedrag>"
            f"<{b}:DebetCredit>{'C' if total < 0 else 'D'}</{b}:DebetCredit>"
            f"</{p}:TotaalIngediendBedrag><{p}:Clienten>\n"
        )
        by_bsn: dict[str, list] = defaultdict(list)
        for line in lines:
            by_bsn[line[0]].append(line)
        for bsn, client_lines in by_bsn.items():
            yield f"<{p}:Client><{p}:Bsn>{bsn}</{p}:Bsn><{p}:Prestaties>\n"
            for (
                _bsn,
                ref,
                vorig,
                nr,
                cat,
                code,
                ps,
                pe,
                vol,
                unit,
                tariff,
                amount,
                dc,
            ) in client_lines:
                vorig_el = (
                    f"<{b}:VorigReferentieNummer>{vorig}</{b}:VorigReferentieNummer>"
                    if vorig
                    else ""
                )
                yield (
                    f"<{p}:Prestatie><{p}:ProductReferentie><{b}:ReferentieNummer>{ref}"
                    f"</{b}:ReferentieNummer>{vorig_el}</{p}:ProductReferentie>"
                    f"<{p}:ToewijzingNummer>{nr}</{p}:ToewijzingNummer>"
                    f"<{p}:ProductCategorie>{cat}</{p}:ProductCategorie>"
                    f"<{p}:ProductCode>{code}</{p}:ProductCode>"
                    f"<{p}:ProductPeriode><{b}:Begindatum>{_d(ps)}</{b}:Begindatum>"
                    f"<{b}:Einddatum>{_d(pe)}</{b}:Einddatum></{p}:ProductPeriode>"
                    f"<{p}:GeleverdVolume>{vol}</{p}:GeleverdVolume><{p}:Eenheid>{unit}</{p}:Eenheid>"
                    + ("" if unit == "83" else f"<{p}:ProductTarief>{tariff}</{p}:ProductTarief>")
                    + f"<{p}:IngediendBedrag>"
                    f"<{b}:Bedrag>{amount}</{b}:Bedrag><{b}:DebetCredit>{dc}</{b}:DebetCredit>"
                    f"</{p}:IngediendBedrag></{p}:Prestatie>\n"
                )
            yield f"</{p}:Prestaties></{p}:Client>\n"
        yield f"</{p}:Clienten></{p}:Declaratie>\n"


def generate_archive(
    catalogue: Catalogue,
    out_dir: Path | str,
    *,
    make_zip: bool = False,
    **options,
) -> ArchiveResult:
    """Write a seeded archive for ``catalogue`` into ``out_dir`` (see :class:`ArchiveGenerator`
    for the options). Returns the message files in the order they were sent and the counts."""
    return ArchiveGenerator(catalogue, **options).write(Path(out_dir), make_zip=make_zip)
