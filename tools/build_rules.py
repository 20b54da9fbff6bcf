"""Build the catalogue of the iWmo/iJw 3.2 rules the rule registry is checked against.

Reads the rule documents of the standards set (``codelists/{iwmo,ijw}/regels/``: the technical
rules by check level, the conditions, constraints and restrictions per data element, the business
rules, fill-in instructions and principles) and writes
``src/zorgregio/zorg/rules/data/istandaarden-3.2-regels.json``: per standard and rule code the
kind, check level, retourcode, the message types and elements it applies to and its Dutch
definition, as published. Only facts are taken; the registry (``zorg/rules/registry.py``)
decides how zorgregio applies each rule, and a test fails when a rule of the catalogue has no
registry entry. Run it again when a new release is staged.

    python tools/build_rules.py ../shared/standards/istandaarden-3.2/codelists

The iJw technical-rule documents of the xslt level name the Wmo messages under "Gebruik in
berichten" (WMO301, ...); they are read as the Jeugdwet messages of the same number.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / (
    "src/zorgregio/zorg/rules/data/istandaarden-3.2-regels.json"
)
LEVELS = {"xslt": "xslt", "berichtoverstijgend": "cross", "externe-bron": "external",
          "externe-bon": "external"}  # fmt: skip
KINDS = {"Conditie": "CD", "Constraint": "CS", "Restrictie": "RS"}
MESSAGE_RE = re.compile(r"\b(?:WMO|JW)\s?(3\d\d)\b")


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {title}\s*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match.group(1).strip() if match else ""


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("---", " ")).strip()
    return text.replace("\\n", "").strip()


def _messages(text: str) -> list[str]:
    return sorted(set(MESSAGE_RE.findall(text)))


def technical_rules(root: Path) -> dict[str, dict]:
    rules = {}
    for folder in sorted((root / "regels" / "technische-regels").iterdir()):
        level = LEVELS[folder.name]
        for path in sorted(folder.iterdir()):
            text = path.read_text(encoding="utf-8")
            code = re.search(r"TR\d{3}", path.name).group(0)
            meta = dict(re.findall(r"^\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|\s*$", text, re.M))
            definition = _clean(_section(text, "Definitie") or _section(text, "Betekenis"))
            definition = re.sub(rf"^{code}:\s*", "", definition)
            explanation = _clean(_section(text, "Toelichting"))
            if explanation.startswith("Geen aanvullende toelichting"):
                explanation = ""
            retourcode = meta.get("Retourcode", "")
            rules[code] = {
                "kind": "TR",
                "level": level,
                "retourcode": "" if retourcode.startswith("n.v.t") else retourcode,
                "messages": _messages(_section(text, "Gebruik in berichten")),
                "elements": [],
                "text": definition,
                "explanation": explanation,
            }
    return rules


def _add_element_rule(rules, message, klasse, element, code, kind, retourcode, text):
    number = MESSAGE_RE.search(message)
    if number is None:  # the return messages' common part ("WMO Retour")
        return
    entry = rules.setdefault(
        code,
        {"kind": KINDS[kind], "level": "xsd" if kind == "Restrictie" else "element",
         "retourcode": retourcode, "messages": [], "elements": [], "text": text,
         "explanation": ""},
    )  # fmt: skip
    if number.group(1) not in entry["messages"]:
        entry["messages"].append(number.group(1))
        entry["messages"].sort()
    path = f"{number.group(1)}:{klasse}/{element}"
    if path not in entry["elements"]:
        entry["elements"].append(path)
    if retourcode and not entry["retourcode"]:
        entry["retourcode"] = retourcode


def _element(*parts: str) -> str:
    """``Bsn_BurgerServicenummer`` / ``Bsn.LDT_BurgerServicenummer`` -> ``Bsn``, joined by /."""
    names = []
    for part in parts:
        part = part.strip()
        if part:
            names.append(re.split(r"[_.]", part, maxsplit=1)[0])
    return "/".join(names)


def element_rules_table(path: Path, rules: dict) -> None:
    """The iWmo document: one Markdown table row per rule and element."""
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 11 or not re.fullmatch(r"(CD|CS|RS)\d{3}", cells[7]):
            continue
        message, klasse, element, sub1, sub2, _key, _list, code, text, kind, retour = cells
        _add_element_rule(rules, message, klasse, _element(element, sub1, sub2), code, kind,
                          retour, text)  # fmt: skip


def element_rules_blocks(path: Path, rules: dict) -> None:
    """The iJw document: one block per rule and element (``# Regel CODE - Element``)."""
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n# Regel ")[1:]:
        meta = dict(re.findall(r"^- (\w+): (.*)$", block, re.M))
        regel = re.search(r"## Regel\n(.*?)\n\n", block, re.S).group(1).strip()
        _add_element_rule(rules, meta["Bericht"], meta["Berichtklasse"],
                          _element(meta["Element"]), meta["Regelcode"], meta["Type"],
                          meta.get("Retourcode", "").strip(), regel)  # fmt: skip


def business_rules(root: Path) -> dict[str, dict]:
    rules = {}
    for path in sorted((root / "regels" / "bedrijfsregels").iterdir()):
        text = path.read_text(encoding="utf-8")
        title = text.splitlines()[0]
        match = re.match(r"#\s*(OP\d{3}(?:x\d)?)\s*[—-]\s*(.*)", title)
        code, definition = match.group(1), _clean(match.group(2))
        # The message types: the "Berichttype(n)" metadata row or section, else the whole text.
        named = re.findall(r"^\|\s*Berichttypen?\s*\|(.*)$", text, re.M)
        head = " ".join(named) or _section(text, "Berichttypen") or text
        rules[code] = {
            "kind": "OP",
            "level": "business",
            "retourcode": "",
            "messages": _messages(head),
            "elements": [],
            "text": definition,
            "explanation": "",
        }
    return rules


def instructions(root: Path) -> dict[str, dict]:
    rules = {}
    for path in sorted((root / "regels" / "invulinstructies").iterdir()):
        text = path.read_text(encoding="utf-8")
        code = re.search(r"IV\d{3}", path.name).group(0)
        question = re.search(r"^\*([^*].*?)\*\s*$", text, re.M) or re.search(
            r"^## Vraag\s*\n+(.*)$", text, re.M
        )
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        title = question.group(1) if question else lines[0]
        if title.strip("# ") == code and len(lines) > 1:  # the question follows the heading
            title = lines[1]
        rules[code] = {"kind": "IV", "level": "instruction", "retourcode": "",
                       "messages": [], "elements": [], "text": _clean(title.strip("# ")),
                       "explanation": ""}  # fmt: skip
    return rules


def principles(root: Path) -> dict[str, dict]:
    rules = {}
    for path in sorted((root / "regels" / "uitgangspunten").iterdir()):
        text = path.read_text(encoding="utf-8")
        if text.lstrip().startswith("["):  # a JSON-like list (not always well-formed JSON)
            items = re.findall(r'"id":\s*"(UP\d{3})".*?"titel":\s*"([^"]*)"', text, re.S)
        else:
            match = re.match(r"#\s*(UP\d{3})\s*-?\s*(.*)", text.splitlines()[0])
            if match is None:  # the introduction to the principles
                continue
            items = [(match.group(1), match.group(2))]
        for code, title in items:
            rules[code] = {"kind": "UP", "level": "principle", "retourcode": "",
                           "messages": [], "elements": [], "text": _clean(title),
                           "explanation": ""}  # fmt: skip
    return rules


def build(codelists: Path) -> dict:
    out = {}
    for standard in ("iwmo", "ijw"):
        root = codelists / standard
        rules = technical_rules(root)
        for path in sorted((root / "regels" / "condities-constraints").iterdir()):
            if standard == "iwmo":
                element_rules_table(path, rules)
            else:
                element_rules_blocks(path, rules)
        rules.update(business_rules(root))
        rules.update(instructions(root))
        rules.update(principles(root))
        out[standard] = dict(sorted(rules.items()))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    data = build(Path(argv[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for standard, rules in data.items():
        kinds: dict[str, int] = {}
        for rule in rules.values():
            kinds[rule["kind"]] = kinds.get(rule["kind"], 0) + 1
        print(standard, kinds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
