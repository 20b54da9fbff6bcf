from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from zorgregio.api.services import WritesByRegionMixin, call_service

from . import services
from .models import AddressKind, LegalForm, Provider, ProviderAddress


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProviderAddress
        fields = ["kind", "street", "house_number", "postcode", "city"]


class ProviderSerializer(serializers.ModelSerializer):
    addresses = AddressSerializer(many=True, read_only=True)

    class Meta:
        model = Provider
        fields = ["id", "name", "kvk_number", "agb_code", "legal_form", "website", "addresses"]


class AddressInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AddressKind.choices, default=AddressKind.VISIT)
    street = serializers.CharField(max_length=150)
    house_number = serializers.CharField(max_length=20)
    postcode = serializers.CharField(max_length=7)
    city = serializers.CharField(max_length=100)


class ProviderInputSerializer(serializers.Serializer):
    """A provider to add or change; KvK and AGB are checked by the service."""

    name = serializers.CharField(max_length=200)
    kvk_number = serializers.CharField(max_length=8)
    agb_code = serializers.CharField(max_length=8, required=False, allow_blank=True)
    legal_form = serializers.ChoiceField(choices=LegalForm.choices, default=LegalForm.BV)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    addresses = AddressInputSerializer(many=True, required=False)


class ProviderViewSet(
    WritesByRegionMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Care providers the caller may see (a provider user: only its own). The regional team
    adds providers (to its region) and changes them; KvK and AGB stay unique."""

    serializer_class = ProviderSerializer

    def get_queryset(self):
        return Provider.objects.visible_to(self.request.user).prefetch_related("addresses")

    @extend_schema(request=ProviderInputSerializer, responses={201: ProviderSerializer})
    def create(self, request, *args, **kwargs):
        data = ProviderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        provider = call_service(services.provider_create, actor=request.user, **data.validated_data)
        provider.regions.add(request.user.region)
        return Response(ProviderSerializer(provider).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProviderInputSerializer, responses=ProviderSerializer)
    def update(self, request, *args, **kwargs):
        provider = self.get_object()
        data = ProviderInputSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        addresses = fields.pop("addresses", None)
        provider = call_service(
            services.provider_update, actor=request.user, provider=provider, **fields
        )
        for address in addresses or ():
            call_service(
                services.provider_set_address, actor=request.user, provider=provider, **address
            )
        return Response(ProviderSerializer(provider).data)


def register(router) -> None:
    router.register("aanbieders", ProviderViewSet, basename="provider")
