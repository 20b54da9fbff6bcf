"""The in-memory indexes the care model's services check against, per import run.

One :class:`ApplyContext` lives as long as an import (all files of a run, all batches): the
region's municipalities, providers, products, tariffs and admissions, the clients met so far,
and per provider a :class:`ProviderState` with its toewijzingen, leveringen, used volume and
budget, declaration numbers and reference numbers. The rules (:mod:`zorgregio.zorg.rules`) read
only these indexes, so no query runs per line. A refused message resets the context (what it
added in memory is forgotten with the rolled-back rows).
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left

from zorgregio.aanbieders.models import Provider
from zorgregio.common.rows import First, Insert
from zorgregio.regio.models import Municipality

from .hooks import note_changes
from .models import Client, Declaratie, DeclaratieRegel, Levering, LineStatus, Toewijzing
from .rules import lines as checks
from .rules import variants
from .rules.lines import TW, debit_key, same_day
from .services import encrypt_bsn, pseudonym, pseudonyms


class HashSet:
    """A set of 64-bit hashes that stays small at millions of entries: a sorted array (8 bytes
    per hash, where a Python set needs about 70) with a small set of recent additions, merged
    into the array when it has grown by an eighth; membership by binary search. Used for the
    per-line indexes that grow with the archive (reference numbers, approved debits)."""

    __slots__ = ("_sorted", "_recent", "_removed")

    def __init__(self, values=()):
        ordered = sorted(values)
        self._sorted = array(
            "q", (v for i, v in enumerate(ordered) if i == 0 or v != ordered[i - 1])
        )
        self._recent: set[int] = set()
        self._removed: set[int] = set()

    def __contains__(self, value: int) -> bool:
        if value in self._recent:
            return True
        if value in self._removed:
            return False
        found = self._sorted
        index = bisect_left(found, value)
        return index < len(found) and found[index] == value

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __iter__(self):
        yield from sorted(self._recent.union(v for v in self._sorted if v not in self._removed))

    def add(self, value: int) -> None:
        self._removed.discard(value)
        self._recent.add(value)
        if len(self._recent) > max(4096, len(self._sorted) >> 3):
            self._merge()

    def discard(self, value: int) -> None:
        self._recent.discard(value)
        self._removed.add(value)

    def _merge(self) -> None:
        removed = self._removed
        merged = array("q")
        last = None
        for value in heapq.merge(self._sorted, sorted(self._recent)):
            if value != last and value not in removed:
                merged.append(value)
            last = value
        self._sorted, self._recent, self._removed = merged, set(), set()


class ProviderState:
    """In-memory index of one provider's toewijzingen and declared lines (per import)."""

    def __init__(self, provider_id: int):
        self.provider_id = provider_id
        self.toewijzingen: dict[tuple[int, str], TW] = {}
        self.by_id: dict[int, TW] = {}
        self.debit_keys = HashSet()
        # TR333 and TR314 in memory: declaration numbers, and hashes of (law, reference number)
        # (a hit is confirmed in the database, so a hash collision cannot refuse a line).
        self.declaratienummers = set(
            Declaratie.objects.filter(provider_id=provider_id).values_list(
                "law", "declaratienummer"
            )
        )
        self.refs = HashSet(
            hash(pair)
            for pair in DeclaratieRegel.objects.filter(provider_id=provider_id)
            .values_list("law", "referentienummer")
            .iterator(chunk_size=20_000)
        )
        self.pseudonyms = dict(
            Client.objects.filter(toewijzingen__provider_id=provider_id).values_list(
                "pseudonym", "id"
            )
        )
        for row in Toewijzing.objects.filter(provider_id=provider_id).values_list(
            "id", "client_id", "provider_id", "product_id", "productcategorie", "productcode",
            "ingangsdatum", "einddatum", "volume", "unit", "frequency", "budget_cents", "deleted",
            "municipality_id", "toewijzingnummer",
        ):  # fmt: skip
            tw = TW(*row[:13])
            self.toewijzingen[(row[13], row[14])] = tw
            self.by_id[tw.id] = tw
        for lev in Levering.objects.filter(toewijzing__provider_id=provider_id).values_list(
            "id", "toewijzing_id", "begindatum", "einddatum", "deleted", "reden_beeindiging"
        ):
            tw = self.by_id.get(lev[1])
            if tw is not None:
                tw.leveringen.append([lev[0], same_day(lev[2]), same_day(lev[3]), lev[4], lev[5]])
        credited = set(
            DeclaratieRegel.objects.filter(
                provider_id=provider_id, debit_credit="C", status=LineStatus.APPROVED
            ).values_list("law", "vorig_referentienummer")
        )
        approved = DeclaratieRegel.objects.filter(
            provider_id=provider_id, status=LineStatus.APPROVED, toewijzing__isnull=False
        )
        for law, ref, tw_id, cat, code, start, end, volume, amount, dc in approved.values_list(
            "law", "referentienummer", "toewijzing_id", "productcategorie", "productcode",
            "period_start", "period_end", "volume", "amount_cents", "debit_credit",
        ):  # fmt: skip
            tw = self.by_id.get(tw_id)
            if tw is None:
                continue
            sign = -1 if dc == "C" else 1
            tw.used_volume += sign * volume
            tw.used_amount += sign * amount
            if dc == "D" and (law, ref) not in credited:
                self.debit_keys.add(debit_key(tw_id, cat, code, start, end))

    def add(self, municipality_id: int, nummer: str, tw: TW) -> None:
        self.toewijzingen[(municipality_id, nummer)] = tw
        self.by_id[tw.id] = tw


class ApplyContext:
    """Indexes shared by all messages of one import run (reset when a message is refused)."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.municipalities: dict[str, int] | None = None
        self.regions: dict[int, int] = {}
        self.providers: dict[str, int | None] = {}
        self.states: dict[int, ProviderState] = {}
        self.clients: dict[str, int] = {}
        self._products = None
        self._tariffs = None
        self._admissions = None
        self._variants = None  # the funding variants (zorg/rules/variants.py)
        # Months noted as changed in the current batch's transaction (``in_batches`` sets it
        # for the length of one transaction); None: note every time.
        self.noted: set | None = None

    def note_changes(self, months: set) -> None:
        """Note changed months, once per transaction within a batch of files."""
        new = set(months) - (self.noted or set())
        if new:
            note_changes(new)
            if self.noted is not None:
                self.noted |= new

    # reference data
    def municipality_id(self, cbs: str) -> int | None:
        if self.municipalities is None:
            self.municipalities = {}
            self.regions = {}
            for code, pk, region_id in Municipality.objects.values_list(
                "cbs_code", "id", "region_id"
            ):
                self.municipalities[code] = pk
                self.regions[pk] = region_id
        return self.municipalities.get(cbs)

    def region_of(self, municipality_id: int) -> int | None:
        return self.regions.get(municipality_id)

    def provider_id(self, agb: str) -> int | None:
        if agb not in self.providers:
            self.providers[agb] = (
                Provider.objects.filter(agb_code=agb).values_list("id", flat=True).first()
            )
        return self.providers[agb]

    def state(self, provider_id: int) -> ProviderState:
        state = self.states.get(provider_id)
        if state is None:
            state = self.states[provider_id] = ProviderState(provider_id)
        return state

    def product(self, law: str, categorie: str, code: str, day) -> int | None:
        if self._products is None:
            from zorgregio.producten.models import Product

            self._products = {}
            for pid, plaw, pcode, first, last in Product.objects.values_list(
                "id", "law", "productcode", "valid_from", "valid_until"
            ).order_by("valid_from"):
                self._products.setdefault((plaw, pcode), []).append((first, last, pid))
        rows = self._products.get((law, code))
        if not rows:
            return None
        if day is not None:
            for first, last, pid in rows:
                if (first is None or first <= day) and (last is None or day <= last):
                    return pid
        return rows[-1][2]

    def tariff(self, product_id: int, municipality_id: int, day) -> int | None:
        if self._tariffs is None:
            from zorgregio.producten.models import Tariff

            self._tariffs = {}
            for pid, mid, first, last, amount in Tariff.objects.values_list(
                "product_id", "municipality_id", "valid_from", "valid_until", "amount_cents"
            ).order_by("valid_from"):
                self._tariffs.setdefault((pid, mid), []).append((first, last, amount))
        own = self._tariffs.get((product_id, municipality_id))
        if own:
            found = checks.tariff_on(own, day)
            if found is not None:
                return found
        regional = self._tariffs.get((product_id, None))
        return checks.tariff_on(regional, day) if regional else None

    def variant_index(self) -> variants.VariantIndex:
        """The funding variant per product group, municipality and period (loaded once)."""
        if self._variants is None:
            self._variants = variants.load_variant_index()
        return self._variants

    def admitted(self, provider_id: int, product_id: int, municipality_id: int, day) -> bool:
        if self._admissions is None:
            self._load_admissions()
        periods = self._admissions.get((provider_id, product_id, municipality_id), ())
        return checks.period_covered(periods, day)

    def _load_admissions(self) -> None:
        from zorgregio.contracten.selectors import admission_periods

        self._admissions = admission_periods()

    def prefetch_clients(self, bsns, known: dict[str, int] | None = None) -> None:
        """Look up the clients of many BSNs at once: from ``known`` (pseudonym -> id, e.g. the
        provider's clients) or with one query for the rest."""
        new = {bsn for bsn in bsns if bsn not in self.clients}
        if not new:
            return
        keys = {}
        for bsn, key in pseudonyms(new).items():
            cid = known.get(key) if known else None
            if cid is None:
                keys[key] = bsn
            else:
                self.clients[bsn] = cid
        if not keys:
            return
        for cid, key in Client.objects.filter(pseudonym__in=list(keys)).values_list(
            "id", "pseudonym"
        ):
            self.clients[keys[key]] = cid

    def client_id(self, bsn: str, birth_date=None) -> int:
        cid = self.clients.get(bsn)
        if cid is None:
            key = pseudonym(bsn)
            # Recorded when new (the rule for a client not met yet in this import); a client
            # recorded before, or at this moment by another import (a worker of a parallel
            # import, an upload: its transaction is waited for), is not inserted again but read.
            cid = _insert_client(
                pseudonym=key, bsn_encrypted=encrypt_bsn(bsn), birth_date=birth_date
            )
            if cid is None:
                cid = _client_of(key)
                if birth_date is not None:
                    Client.objects.filter(pk=cid, birth_date__isnull=True).update(
                        birth_date=birth_date
                    )
            self.clients[bsn] = cid
        return cid


_insert_client = Insert(Client, conflict="pseudonym")
_client_of = First(Client, ["pseudonym"])
