from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from zorgregio.aanbieders.models import Provider
from zorgregio.accounts.permissions import RoleRequiredMixin
from zorgregio.regio.models import Region
from zorgregio.regio.selectors import municipalities_with_inhabitants

from . import services
from .models import DEFAULT_TOKENS, HEX, RegionTheme
from .services import theme_update


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


class ThemeForm(forms.Form):
    primary_color = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Header, buttons and links; white text on it needs a contrast of 4.5:1."),
    )
    primary_dark_color = forms.CharField(
        label=_("Dark primary colour"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Navigation bar, headings and hover states."),
    )
    focus_color = forms.CharField(
        label=_("Focus colour"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("The outline around the element that has the keyboard focus (3:1 contrast)."),
    )
    logo = forms.FileField(
        label=_("Logo (PNG or JPEG, at most 200 kB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    logo_alt = forms.CharField(label=_("Text of the logo"), max_length=150, required=False)
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"


class ThemeView(RoleRequiredMixin, TemplateView):
    """The regional team sets its region's logo and colours (design tokens)."""

    template_name = "web/theme.html"

    def get(self, request, *args, **kwargs):
        if not self.scope.manages_region:
            raise PermissionDenied(_("Only the regional team sets the theme of its region."))
        return super().get(request, *args, **kwargs)

    def region(self):
        return Region.objects.get(pk=self.scope.region_id)

    def get_context_data(self, form=None, **kwargs):
        region = self.region()
        theme = RegionTheme.objects.filter(region=region).first() or RegionTheme(region=region)
        if form is None:
            form = ThemeForm(
                initial={
                    "primary_color": theme.primary_color,
                    "primary_dark_color": theme.primary_dark_color,
                    "focus_color": theme.focus_color,
                    "logo_alt": theme.logo_alt,
                }
            )
        return super().get_context_data(
            form=form, theme=theme, region=region, default_tokens=DEFAULT_TOKENS, **kwargs
        )

    def post(self, request, *args, **kwargs):
        if not self.scope.manages_region:
            raise PermissionDenied(_("Only the regional team sets the theme of its region."))
        form = ThemeForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("logo")
            try:
                theme_update(
                    actor=request.user,
                    region=self.region(),
                    primary_color=form.cleaned_data["primary_color"],
                    primary_dark_color=form.cleaned_data["primary_dark_color"],
                    focus_color=form.cleaned_data["focus_color"],
                    logo_alt=form.cleaned_data["logo_alt"],
                    logo=upload.read(services.MAX_LOGO_BYTES + 1) if upload else None,
                    remove_logo=form.cleaned_data["remove_logo"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The theme is saved."))
                return redirect("theme")
        return self.render_to_response(self.get_context_data(form=form))


@require_GET
def theme_logo(request, region_id: int):
    """A region's logo (public: it is shown on every page of the region, also before login)."""
    theme = get_object_or_404(RegionTheme, region_id=region_id, logo__isnull=False)
    response = HttpResponse(bytes(theme.logo), content_type=theme.logo_type or "image/png")
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@require_GET
def theme_css(request, region_id: int):
    """The design tokens of a region's theme as a style sheet (no inline style: the CSP)."""
    theme = RegionTheme.objects.filter(region_id=region_id).first()
    tokens = theme.tokens() if theme else DEFAULT_TOKENS
    # Only validated colours reach the style sheet (#rrggbb), whatever is in the database.
    tokens = {k: v if HEX.match(v or "") else DEFAULT_TOKENS[k] for k, v in tokens.items()}
    body = ".zorgregio-theme {\n" + "".join(f"  {k}: {v};\n" for k, v in tokens.items()) + "}\n"
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
