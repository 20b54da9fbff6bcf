"""Build the code-list data file the codelijsten migration loads.

Reads the iWmo/iJw 3.2 code lists (Markdown, as published in the standards set in
``../shared/standards/istandaarden-3.2/codelists``) and writes
``src/zorgregio/codelijsten/data/istandaarden-3.2.json``. Only the facts are taken: code,
meaning, and a few named columns. Run it again when a new release is staged.

    python tools/build_codelists.py ../shared/standards/istandaarden-3.2/codelists
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# (standard, key, name, file relative to the codelists folder, extra columns to keep)
LISTS = [
    ("iwmo", "WMO020", "Productcategorie", "iwmo/WMO020_Productcategorie.md", []),
    ("ijw", "JZ020", "Productcategorie", "ijw/JZ020_Productcategorie", []),
    ("iwmo", "WJ756", "Eenheid", "iwmo/WJ756_Eenheid.md", []),
    ("ijw", "WJ756", "Eenheid", "ijw/WJ756_Eenheid.md", []),
    ("iwmo", "WMO757", "Frequentie", "iwmo/WMO757_Frequentie.md", []),
    ("ijw", "WMO757", "Frequentie", "ijw/WMO757_Frequentie.md", []),
    ("iwmo", "WMO588", "Reden beëindiging", "iwmo/WMO588_Reden_beeindiging.md", []),
    ("ijw", "JZ588", "Reden beëindiging", "ijw/JZ588_Reden_beeindiging.md", []),
    (
        "iwmo",
        "WMO002",
        "Reden wijziging toewijzing",
        "iwmo/WMO002_Reden_wijziging toewijzing.md",
        [],
    ),
    ("ijw", "JZ002", "Reden wijziging toewijzing", "ijw/JZ002_Reden_wijziging_toewijzing.md", []),
    ("iwmo", "WJ001", "Retourcode", "iwmo/WJ001_Retourcode.md", ["TR-regel"]),
    ("ijw", "WJ001", "Retourcode", "ijw/WJ001_Retourcode.md", ["TR-regel"]),
    ("iwmo", "COD043", "Indicatie debet/credit", "iwmo/COD043_Indicatie_debet_credit.md", []),
    ("ijw", "COD043", "Indicatie debet/credit", "ijw/COD043_Indicatie_debet_credit.md", []),
    ("iwmo", "COD467", "Status aanlevering", "iwmo/COD467_Status_aanlevering.md", []),
    ("ijw", "COD467", "Status aanlevering", "ijw/COD467_Status_aanlevering.md", []),
    ("iwmo", "COD002", "Berichtcode", "iwmo/COD002VEKTIS_Berichtcode", []),
    ("ijw", "COD002", "Berichtcode", "ijw/COD002VEKTIS_Berichtcode", []),
    ("cbs", "GEMEENTE", "CBS Gemeentecodes 2026", "CBS_Gemeentecodes.md", ["Provincienaam"]),
]
FIRST_COLUMNS = {"code", "gemeentecode", "bericht", "berichttype", "reden wijziging"}
MESSAGE_FIRST = {"bericht", "berichttype"}


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _is_separator(cells: list[str]) -> bool:
    return all(cell and set(cell) <= set(":- ") for cell in cells)


def parse_tables(text: str, extra: list[str]) -> list[dict]:
    """Rows of every table whose header (the row above a separator row) names codes."""
    lines = text.splitlines()
    codes: list[dict] = []
    header: list[str] = []
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("|"):
            header = []
            continue
        cells = _cells(line)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if following.lstrip().startswith("|") and _is_separator(_cells(following)):
            header = [c.lower() for c in cells]
            continue
        if not header or header[0] not in FIRST_COLUMNS or _is_separator(cells):
            continue
        if header[0] in MESSAGE_FIRST:  # "Bericht | Code": the code is the number
            row = {"code": cells[1], "description": cells[0]}
        else:
            row = {"code": cells[0], "description": cells[1] if len(cells) > 1 else ""}
        for column in extra:
            if column.lower() in header and header.index(column.lower()) < len(cells):
                row[column] = cells[header.index(column.lower())]
        codes.append(row)
    return codes


def build(source: Path) -> dict:
    out = {"release": "iWmo/iJw 3.2", "source": "iStandaarden 3.2 code lists", "lists": []}
    for standard, key, name, rel, extra in LISTS:
        codes = parse_tables((source / rel).read_text(encoding="utf-8"), extra)
        if not codes:
            raise SystemExit(f"no codes found in {rel}")
        out["lists"].append(
            {"standard": standard, "key": key, "name": name, "file": rel, "codes": codes}
        )
    return out


if __name__ == "__main__":
    src = Path(
        sys.argv[1] if len(sys.argv) > 1 else "../shared/standards/istandaarden-3.2/codelists"
    )
    target = Path(__file__).resolve().parent.parent / "src/zorgregio/codelijsten/data"
    target.mkdir(parents=True, exist_ok=True)
    data = build(src)
    (target / "istandaarden-3.2.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for entry in data["lists"]:
        print(f"{entry['standard']:5} {entry['key']:9} {len(entry['codes']):4} codes")
