"""The public provider finder (no login) and the screen where a provider keeps its offer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from zorgregio.accounts.permissions import RoleRequiredMixin

from . import selectors, services
from .forms import FinderForm, LocationFormSet, OfferForm

PAGE_SIZE = 20


class FinderIndexView(TemplateView):
    """Choose a municipality."""

    template_name = "vinder/index.html"

    def get_context_data(self, **kwargs):
        regions: dict = {}
        for municipality in selectors.finder_municipalities():
            regions.setdefault(municipality.region, []).append(
                (municipality, selectors.municipality_slug(municipality))
            )
        return super().get_context_data(regions=regions, **kwargs)


class MunicipalityMixin:
    def get_municipality(self):
        municipality = selectors.finder_municipality(self.kwargs["gemeente"])
        if municipality is None:
            raise Http404(_("There is no such municipality in the provider finder."))
        return municipality


class FinderView(MunicipalityMixin, TemplateView):
    """The providers contracted in one municipality, searched and filtered."""

    template_name = "vinder/finder.html"

    def get_context_data(self, **kwargs):
        municipality = self.get_municipality()
        today = timezone.localdate()
        form = FinderForm(self.request.GET or None, municipality=municipality, today=today)
        page = cards = None
        filters = None
        if not self.request.GET or form.is_valid():
            filters = form.filters() if self.request.GET else selectors.Filters(day=today)
            cards = selectors.finder_cards(municipality, filters)
            paginator = Paginator(cards, PAGE_SIZE)
            page = paginator.get_page(self.request.GET.get("pagina"))
        query = self.request.GET.copy()
        query.pop("pagina", None)
        return super().get_context_data(
            municipality=municipality,
            slug=selectors.municipality_slug(municipality),
            form=form,
            filters=filters,
            page=page,
            count=len(cards) if cards is not None else None,
            query=query.urlencode(),
            detail_query=_detail_query(self.request.GET),
            today=today,
            has_postcodes=selectors.has_postcodes(),
            **kwargs,
        )


def _detail_query(params) -> str:
    """The postcode and date carried to a provider's page (distance and date stay)."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for name in ("postcode", "datum"):
        if params.get(name):
            query[name] = params[name]
    return query.urlencode()


class ProviderView(MunicipalityMixin, TemplateView):
    """One provider in one municipality: its offer, products, waiting times, client stop,
    satisfaction, locations and contact. A 404 when it has no admission there on the day."""

    template_name = "vinder/provider.html"

    def get_context_data(self, **kwargs):
        municipality = self.get_municipality()
        today = timezone.localdate()
        params = {k: self.request.GET.get(k, "") for k in ("postcode", "datum")}
        form = FinderForm(
            {k: v for k, v in params.items() if v} or None,
            municipality=municipality,
            today=today,
        )
        day, origin = today, None
        if form.is_bound and form.is_valid():
            day = form.cleaned_data.get("datum") or today
            origin = form.cleaned_data.get("postcode")
        card = selectors.finder_card(
            municipality, self.kwargs["pk"], selectors.Filters(day=day, origin=origin)
        )
        if card is None:
            raise Http404(_("This provider is not contracted in this municipality on that date."))
        back = self.request.GET.copy()
        return super().get_context_data(
            municipality=municipality,
            slug=selectors.municipality_slug(municipality),
            card=card,
            day=day,
            today=today,
            origin=origin,
            form=form,
            back_query=back.urlencode(),
            **kwargs,
        )


class OfferEditView(RoleRequiredMixin, TemplateView):
    """The provider keeps its offer here (its own only); the regional team may too."""

    template_name = "vinder/offer_form.html"

    def get_provider(self):
        return get_object_or_404(
            selectors.editable_providers(self.request.user), pk=self.kwargs["pk"]
        )

    def _initial(self, offer):
        if offer is None:
            return {}, []
        data = {
            name: getattr(offer, name)
            for name in (
                "description",
                "approach",
                "target_groups",
                "languages",
                "specialisms",
                "phone",
                "email",
                "website",
            )
        }
        locations = [
            {
                "name": loc.name,
                "street": loc.street,
                "house_number": loc.house_number,
                "postcode": loc.postcode_display,
                "city": loc.city,
            }
            for loc in offer.locations.all()
        ]
        return data, locations

    def get(self, request, *args, **kwargs):
        provider = self.get_provider()
        offer = selectors.offer_of(provider)
        initial, locations = self._initial(offer)
        return self.render_to_response(
            self.get_context_data(
                provider=provider,
                offer=offer,
                form=OfferForm(initial=initial),
                formset=LocationFormSet(initial=locations, prefix="locatie"),
            )
        )

    def post(self, request, *args, **kwargs):
        provider = self.get_provider()
        form = OfferForm(request.POST)
        formset = LocationFormSet(request.POST, prefix="locatie")
        service_errors: list[str] = []
        if form.is_valid() and formset.is_valid():
            locations = [f.cleaned_data for f in formset.forms if f.cleaned_data]
            try:
                services.offer_save(
                    actor=request.user, provider=provider, locations=locations, **form.cleaned_data
                )
            except PermissionDenied:
                raise
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    if name in form.fields:
                        for error in errors:
                            form.add_error(name, error)
                    else:
                        service_errors.extend(errors)
            else:
                messages.success(request, _("The offer is saved and shown in the finder."))
                return redirect("vinder:offer_edit", pk=provider.pk)
        return self.render_to_response(
            self.get_context_data(
                provider=provider,
                offer=selectors.offer_of(provider),
                form=form,
                formset=formset,
                location_errors=service_errors,
            ),
            status=400,
        )

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        offer = kwargs.get("offer")
        return super().get_context_data(
            unknown_postcodes=sorted(selectors.unknown_postcodes(offer)),
            finder_links=[
                (m, selectors.municipality_slug(m))
                for m in selectors.municipalities_of(kwargs["provider"], today)
            ],
            **kwargs,
        )
