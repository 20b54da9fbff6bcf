"""``docs/inrichting.md``, the file formats of the set-up imports, generated from the registry
(``zorgregio inrichting_doc``; a test keeps it current)."""

from django.utils import translation

from . import registry

INTRO = """# Set-up imports: the files a region brings

This page is generated from the imports' own column definitions by `zorgregio inrichting_doc`;
do not edit it by hand. How a region goes live step by step is in the README (*Going live*).

Every import reads CSV (UTF-8, separated by `;`, `,` or tab) or XLSX (the first sheet). The
first row names the columns, in any order; required columns are marked **yes**. Dates as
`YYYY-MM-DD` or `DD-MM-YYYY`. Codes are ASCII digits; leading zeros a spreadsheet dropped
are put back (CBS `363` is `0363`). Each row is checked; when any row is wrong the report lists
every wrong row with its field and reason, and **nothing is applied**. The same file imported
again changes nothing (rows are reported *unchanged*). An import is available three ways:

- the command `zorgregio import-<kind> FILE` (`--controleer` checks only, `--sjabloon FILE`
  writes the template, `--regio SLUG` names the region when there are several); it prints one
  line per row and exits 1 when anything was wrong;
- the regional team's screen *Inrichting* (`/inrichting/`), with the same report and a template
  (CSV and XLSX) per import;
- for products and tariffs also the screen *Producten en tarieven* → *Importeren*
  ([producten.md](producten.md)).

The regional team can only import into its own region; a municipality, provider or user
scope of another region is refused.
"""


def render_markdown() -> str:
    lines = [INTRO]
    with translation.override("en"):
        for number, item in enumerate(registry.imports(), start=1):
            lines += [
                f"## {number}. {item.title}",
                "",
                f"`zorgregio import-{item.slug} {item.slug}.csv`",
                "",
                "| column | required | meaning | example |",
                "|---|---|---|---|",
            ]
            for column in item.columns:
                example = f"`{column.example}`" if column.example else ""
                required = "yes" if column.required else ""
                lines.append(f"| `{column.name}` | {required} | {column.help} | {example} |")
            lines.append("")
    return "\n".join(lines)
