"""Load the bundled code lists (``data/istandaarden-3.2.json``) into the database.

Used by the data migration and safe to run again: codes are updated in place, never duplicated.
"""

import json
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "istandaarden-3.2.json"


def load_codelists(code_list_model, code_model) -> int:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    count = 0
    for entry in data["lists"]:
        codelist, _ = code_list_model.objects.update_or_create(
            standard=entry["standard"],
            key=entry["key"],
            defaults={"name": entry["name"], "release": data["release"], "source": entry["file"]},
        )
        for row in entry["codes"]:
            extra = {k: v for k, v in row.items() if k not in ("code", "description")}
            code_model.objects.update_or_create(
                codelist=codelist,
                code=row["code"],
                defaults={"description": row["description"], "extra": extra},
            )
            count += 1
    return count
