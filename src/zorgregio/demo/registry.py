"""The demo region is built by steps that each app contributes in its ``demo.py``.

    @demo_step(order=20)
    def providers(ctx: DemoContext) -> None: ...

Steps run in ``order``. Each gets its own random generator seeded from the demo seed and the
step's name, so the data is reproducible and one step's changes do not shift another's.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoAccount:
    username: str
    role: str
    description: str


@dataclass
class DemoContext:
    seed: int
    scale: float
    log: Callable[[str], None]
    password: str
    region: Any = None
    accounts: list[DemoAccount] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # what steps hand on to later steps
    rng: random.Random = field(default_factory=random.Random)

    def scaled(self, count: int, minimum: int = 1) -> int:
        return max(minimum, round(count * self.scale))


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    func: Callable[[DemoContext], None]


_STEPS: dict[str, DemoStep] = {}


def demo_step(*, order: int, name: str | None = None):
    def decorator(func):
        step_name = name or f"{func.__module__}.{func.__name__}"
        _STEPS[step_name] = DemoStep(order=order, name=step_name, func=func)
        return func

    return decorator


def steps() -> list[DemoStep]:
    autodiscover_modules("demo")
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))
