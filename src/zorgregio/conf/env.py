"""Settings from environment variables, each with a help text.

Every variable read through :func:`env` is recorded in :data:`REGISTRY`, so the configuration
reference (``docs/configuration.md``) is generated from the code and cannot drift from it
(``zorgregio settings_doc`` writes it; a test checks it is current).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class EnvVar:
    name: str
    default: Any
    help: str
    group: str


REGISTRY: dict[str, EnvVar] = {}

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nee", ""}


def to_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def to_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def env(
    name: str,
    default: Any = None,
    *,
    help: str,  # noqa: A002 - reads as documentation at the call site
    cast: Callable[[str], Any] = str,
    group: str = "General",
    doc_default: str | None = None,
) -> Any:
    """Read ``name`` from the environment, cast it, and record it for the docs.

    ``doc_default`` is how the default is shown in the docs where the value itself depends on
    the machine (a path).
    """
    shown = doc_default if doc_default is not None else default
    if isinstance(shown, list):
        shown = ",".join(shown)
    REGISTRY[name] = EnvVar(name=name, default=shown, help=help, group=group)
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return cast(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Environment variable {name}: {exc}") from exc


def cache_config(url: str) -> dict:
    """Django's CACHES entry for a cache URL: empty is a per-process memory cache, ``redis://``
    or ``rediss://`` is Redis (shared by every process)."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(f"CACHE_URL: unsupported cache {url!r} (use redis://...)")


def render_markdown() -> str:
    """The configuration reference as Markdown, grouped as in the settings module."""
    lines = [
        "# Configuration",
        "",
        "zorgregio reads its settings from environment variables. This page is generated from",
        "`src/zorgregio/conf/settings.py` by `zorgregio settings_doc`; do not edit it by hand.",
        "",
    ]
    groups: dict[str, list[EnvVar]] = {}
    for var in REGISTRY.values():
        groups.setdefault(var.group, []).append(var)
    for group, variables in groups.items():
        lines += [f"## {group}", "", "| variable | default | meaning |", "|---|---|---|"]
        for var in variables:
            default = "(none)" if var.default in (None, "") else f"`{var.default}`"
            lines.append(f"| `{var.name}` | {default} | {var.help} |")
        lines.append("")
    return "\n".join(lines)
