from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.regio.models import Region
from zorgregio.regio.selectors import municipalities_with_inhabitants


class HomeView(RoleRequiredMixin, TemplateView):
    """The region's home page: its municipalities, providers, and what this role may see."""

    template_name = "web/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        municipalities = list(municipalities_with_inhabitants(user))
        region = user.region or Region.objects.filter(municipalities__in=municipalities).first()
        providers = self.scope.region_providers(Provider.objects.all())
        return super().get_context_data(
            region=region,
            municipalities=municipalities,
            inhabitants_total=sum(m.inhabitants_count or 0 for m in municipalities),
            provider_count=providers.count(),
            own_provider=user.provider if self.scope.is_provider else None,
            **kwargs,
        )


class MunicipalityDetailView(RoleRequiredMixin, TemplateView):
    template_name = "web/municipality_detail.html"

    def get_context_data(self, **kwargs):
        municipality = get_object_or_404(
            municipalities_with_inhabitants(self.request.user), cbs_code=kwargs["cbs_code"]
        )
        history = municipality.inhabitants.order_by("-year")
        return super().get_context_data(
            municipality=municipality, inhabitants_history=history, **kwargs
        )
