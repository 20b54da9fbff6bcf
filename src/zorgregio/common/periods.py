"""Validity periods: inclusive start and end dates, the end open when ``None``.

Contracts, tariffs, admissions and toewijzingen are valid over periods. The abstract model
:class:`ValidityPeriod` and its queryset give every such model the same ``valid_on(date)`` and
``overlapping(start, end)`` queries, computed in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date | None = None  # inclusive; None is open-ended

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValidationError(
                _("The end date %(end)s lies before the start date %(start)s."),
                code="period",
                params={"start": self.start, "end": self.end},
            )

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        return (other.end is None or self.start <= other.end) and (
            self.end is None or other.start <= self.end
        )


def valid_on_q(day: dt.date, start: str = "valid_from", end: str = "valid_until") -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def overlapping_q(
    first: dt.date, last: dt.date | None, start: str = "valid_from", end: str = "valid_until"
) -> Q:
    q = Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first})
    if last is not None:
        q &= Q(**{f"{start}__lte": last})
    return q


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date):
        return self.filter(valid_on_q(day))

    def overlapping(self, first: dt.date, last: dt.date | None):
        return self.filter(overlapping_q(first, last))


class ValidityPeriod(models.Model):
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Inclusive; empty is open-ended.")
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def period(self) -> Period:
        return Period(self.valid_from, self.valid_until)

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("The end date lies before the start date.")}, code="period"
            )
