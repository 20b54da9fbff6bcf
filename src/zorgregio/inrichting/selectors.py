"""Reads for the set-up screens, scoped to the regional team's own region."""

from __future__ import annotations

from django.db.models import QuerySet

from zorgregio.accounts.scoping import scope_for


def setup_counts(user) -> dict[str, int]:
    """How much of each set-up step the region has."""
    from zorgregio.aanbieders.models import Provider
    from zorgregio.accounts.models import User
    from zorgregio.contracten.models import Admission, FrameworkAgreement
    from zorgregio.producten.models import Product, PurchaseMatrixEntry, Tariff
    from zorgregio.regio.models import Inhabitants, Municipality

    scope = scope_for(user)
    if not scope.manages_region:
        return {}
    region = scope.region_id
    return {
        "gemeenten": Municipality.objects.filter(region_id=region).count(),
        "inwoners": Inhabitants.objects.filter(municipality__region_id=region).count(),
        "producten": Product.objects.count(),
        "tarieven": Tariff.objects.count(),
        "inkoopmatrix": PurchaseMatrixEntry.objects.filter(municipality__region_id=region).count(),
        "aanbieders": Provider.objects.filter(regions=region).count(),
        "raamovereenkomsten": FrameworkAgreement.objects.filter(region_id=region).count(),
        "deelnames": Admission.objects.filter(agreement__region_id=region).count(),
        "gebruikers": User.objects.filter(region_id=region).count(),
    }


def pending_role_changes(user) -> QuerySet:
    from zorgregio.accounts.models import RoleChangeRequest, RoleChangeStatus

    scope = scope_for(user)
    if not scope.manages_region:
        return RoleChangeRequest.objects.none()
    return (
        RoleChangeRequest.objects.filter(status=RoleChangeStatus.PENDING, region_id=scope.region_id)
        .select_related("user", "requested_by", "provider")
        .prefetch_related("municipalities")
    )
