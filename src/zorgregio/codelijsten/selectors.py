"""Reads of the code lists. Small and static, so cached per process."""

from functools import lru_cache

from .loader import load_codelists
from .models import Code, CodeList


@lru_cache(maxsize=64)
def code_map(standard: str, key: str) -> dict[str, str]:
    """{code: description} of one code list, e.g. ``code_map("iwmo", "WJ756")``."""
    if not Code.objects.exists():
        # Reference data from the migration was flushed (e.g. by a transactional test).
        load_codelists(CodeList, Code)
    return dict(
        Code.objects.filter(codelist__standard=standard, codelist__key=key).values_list(
            "code", "description"
        )
    )


def code_choices(standard: str, key: str) -> list[tuple[str, str]]:
    return [(code, f"{code} {text}") for code, text in sorted(code_map(standard, key).items())]


def is_valid_code(standard: str, key: str, code: str) -> bool:
    return code in code_map(standard, key)


def clear_cache() -> None:
    code_map.cache_clear()
