"""What the iWmo/iJw 3.2 rule documents list, per standard and rule code.

Loaded from ``data/istandaarden-3.2-regels.json``, which ``tools/build_rules.py`` builds from the
staged rule documents (technical rules, conditions/constraints/restrictions per data element,
business rules, fill-in instructions, principles). The registry is checked against it: every
rule listed for one of the seven processed message types must have a registry entry.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "istandaarden-3.2-regels.json"
STANDARDS = {"wmo": "iwmo", "jw": "ijw"}  # Law value -> standard
MESSAGE_TYPES = ("301", "305", "307", "315", "317", "319", "323")
RULE_KINDS = ("TR", "CD", "CS", "RS", "OP")  # IV and UP are guidance, not rules (docs list them)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, dict]]:
    """``{standard: {code: {kind, level, retourcode, messages, elements, text, explanation}}}``."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def entry(law: str, code: str) -> dict | None:
    return catalogue()[STANDARDS[law]].get(code)


def messages(law: str, code: str) -> tuple[str, ...]:
    """The processed message types the documents list the rule for in this law."""
    found = entry(law, code)
    if found is None:
        return ()
    return tuple(m for m in found["messages"] if m in MESSAGE_TYPES)


def applicable_codes() -> dict[str, set[str]]:
    """Per law the codes of the rules (TR, CD, CS, RS, OP) listed for a processed message."""
    out = {}
    for law, standard in STANDARDS.items():
        out[law] = {
            code
            for code, rule in catalogue()[standard].items()
            if rule["kind"] in RULE_KINDS and set(rule["messages"]) & set(MESSAGE_TYPES)
        }
    return out


def guidance() -> list[tuple[str, str, list[str]]]:
    """The fill-in instructions (IV) and principles (UP): (code, title, standards)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for standard in ("iwmo", "ijw"):
        for code, rule in catalogue()[standard].items():
            if rule["kind"] in ("IV", "UP"):
                title, standards = found.setdefault(code, (rule["text"], []))
                standards.append(standard)
    return [(code, title, standards) for code, (title, standards) in sorted(found.items())]
