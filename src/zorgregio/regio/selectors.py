from django.db.models import OuterRef, Subquery

from .models import Inhabitants, Municipality


def municipalities_with_inhabitants(user, year: int | None = None):
    """The municipalities ``user`` may see, annotated with inhabitants (latest year or ``year``)."""
    latest = Inhabitants.objects.filter(municipality=OuterRef("pk"))
    if year is not None:
        latest = latest.filter(year__lte=year)
    latest = latest.order_by("-year")
    return Municipality.objects.visible_to(user).annotate(
        inhabitants_count=Subquery(latest.values("count")[:1]),
        inhabitants_year=Subquery(latest.values("year")[:1]),
    )
