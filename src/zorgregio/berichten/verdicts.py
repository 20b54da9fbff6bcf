"""The machine-readable verdict on a message file: per file, message and line, with the rule
codes and retourcodes (``zorgregio import --format json`` and the berichten API).

Structure of :func:`file_verdict` (keys are stable; texts are Dutch)::

    {"name": "bestand.xml", "file_id": 12, "status": "verwerkt", "duplicate": false,
     "message": {"type": "JW323", "identificatie": "123", "verdict": "accepted",
                 "rules": [], "reasons": [...]},
     "lines": [{"row": 40, "kind": "Prestatie", "reference": "RN7", "verdict": "refused",
                "rules": [{"rule": "TR338", "retourcode": "9338", "text": "..."}]}],
     "counts": {"lines": 100, "refused": 1}}

A refused message has ``verdict`` "refused" and in ``rules`` the rule that refused it (nothing
of it was applied; ``lines`` is then empty). An accepted message lists under ``lines`` every
line (item) that a rule refused; the lines not listed were accepted.
"""

from __future__ import annotations

from zorgregio.zorg.models import DeclaratieRegel, LineStatus
from zorgregio.zorg.rules.lines import OWN_CODES, explain
from zorgregio.zorg.rules.registry import RULES

from .models import FileStatus

_KINDS = {"301": "ToegewezenProduct", "305": "StartProduct", "307": "StopProduct",
          "315": "AangevraagdProduct", "317": "Verzoek", "319": "Antwoord",
          "323": "Prestatie"}  # fmt: skip


def _by_retourcode() -> dict[str, str]:
    """Retourcode -> rule code for the rules that refuse a line (0001 is no line's code)."""
    out = {}
    for rule in RULES.values():
        if rule.retourcode and rule.retourcode != "0001" and rule.effect == "line":
            out.setdefault(rule.retourcode, rule.code)
    return out


RULE_OF_RETOURCODE = _by_retourcode()


def within_message(rule: str) -> bool:
    """A rule checked within the message (or the XSD): it comes before cross-message rules."""
    found = RULES.get(rule)
    return rule == "XSD" or (found is not None and found.level in ("message", "element"))


def rule_entry(rule: str, retourcode: str = "") -> dict:
    found = RULES.get(rule)
    if found is not None:
        return {"rule": rule, "retourcode": retourcode or found.retourcode, "text": str(found.text)}
    return {"rule": rule, "retourcode": retourcode, "text": explain(retourcode or rule)}


def line_rules(retourcodes) -> list[dict]:
    """The rules behind a declaration line's retourcodes (own ZR codes name themselves)."""
    out = []
    for code in retourcodes:
        rule = code if code in OWN_CODES else RULE_OF_RETOURCODE.get(code, "")
        entry = rule_entry(rule, code) if rule else {"rule": "", "retourcode": code}
        entry["text"] = explain(code)
        out.append(entry)
    return out


def stored(*, refusal=None, summary=None) -> dict:
    """What :class:`~.models.MessageFile` keeps of the verdict (``verdict`` field)."""
    if refusal is not None:
        return {
            "refused": {
                "rule": getattr(refusal, "rule", ""),
                "retourcode": getattr(refusal, "retourcode", ""),
                "row": getattr(refusal, "row", None),
            }
        }
    if summary is not None:
        return {"items": summary.items, "rejected": summary.rejected,
                "refused_items": summary.refused_items}  # fmt: skip
    return {}


def file_verdict(message_file, *, name=None, duplicate=False, declaraties=None) -> dict:
    """The verdict on one stored file. ``declaraties``: the declarations whose lines may be
    shown (a scoped queryset); by default those of the file."""
    verdict = message_file.verdict or {}
    refused = verdict.get("refused")
    message_type = message_file.message_type
    rejected = message_file.status == FileStatus.REJECTED
    message_rules = []
    if rejected:
        rule = (refused or {}).get("rule", "")
        if rule:
            message_rules.append(rule_entry(rule, refused.get("retourcode", "")))
            message_rules[-1]["row"] = refused.get("row")
    out = {
        "name": name or message_file.name,
        "file_id": message_file.pk,
        "status": str(message_file.status),
        "duplicate": duplicate,
        "message": {
            "type": message_type,
            "identificatie": message_file.identificatie,
            "verdict": "refused" if rejected else "accepted",
            "rules": message_rules,
            "reasons": list(message_file.errors or []),
        },
        "lines": [],
        "counts": {"lines": 0, "refused": 0},
    }
    if rejected or message_file.status != FileStatus.PROCESSED:
        return out
    kind = _KINDS.get(message_type[-3:], "Prestatie" if message_type == "CSV" else "")
    lines = out["lines"]
    for item in verdict.get("refused_items", ()):
        rules = [rule_entry(item["rule"], item["retourcode"])] if item["rule"] else []
        lines.append(
            {"row": item["row"], "kind": kind, "reference": "", "verdict": "refused",
             "rules": rules}
        )  # fmt: skip
    total, refused_count = verdict.get("items", 0), verdict.get("rejected", 0)
    if message_type.endswith("323") or message_type == "CSV":
        declared = message_file.declaraties.all() if declaraties is None else declaraties
        for declaratie in declared.filter(source=message_file):
            _declaration_lines(declaratie, kind, lines)
    out["counts"] = {"lines": total, "refused": refused_count}
    return out


def _declaration_lines(declaratie, kind: str, lines: list) -> None:
    """The refused lines of a declaration: rejected by a check, or refused as a whole (TR314,
    kept in ``refused_lines``). Its line counts are in ``items``/``rejected`` already."""
    rejected = (
        DeclaratieRegel.objects.filter(declaratie=declaratie, status=LineStatus.REJECTED)
        .order_by("id")
        .values_list("referentienummer", "retourcodes")
        .iterator(chunk_size=2000)
    )
    for ref, codes in rejected:
        lines.append(
            {"row": None, "kind": kind, "reference": ref, "verdict": "refused",
             "rules": line_rules(codes)}
        )  # fmt: skip
    for line in declaratie.refused_lines:
        lines.append(
            {"row": line.get("row"), "kind": kind, "reference": line.get("referentienummer", ""),
             "verdict": "refused", "rules": line_rules(line.get("retourcodes", ["8021"]))}
        )  # fmt: skip


def result_verdict(result) -> dict:
    """The verdict for an :class:`~.services.IngestResult` (a file that may not be stored)."""
    duplicate = getattr(result, "duplicate", False)  # a CSV result has no such flag
    message_file = result.message_file
    if message_file is not None:
        return file_verdict(message_file, name=result.name, duplicate=duplicate)
    return {
        "name": result.name,
        "file_id": None,
        "status": str(result.status),
        "duplicate": duplicate,
        "message": {
            "type": "",
            "identificatie": "",
            "verdict": "refused",
            "rules": [],
            "reasons": list(result.reasons),
        },  # fmt: skip
        "lines": [],
        "counts": {"lines": 0, "refused": 0},
    }
