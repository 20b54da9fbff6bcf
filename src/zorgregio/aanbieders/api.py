from rest_framework import serializers, viewsets

from .models import Provider, ProviderAddress


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProviderAddress
        fields = ["kind", "street", "house_number", "postcode", "city"]


class ProviderSerializer(serializers.ModelSerializer):
    addresses = AddressSerializer(many=True, read_only=True)

    class Meta:
        model = Provider
        fields = ["id", "name", "kvk_number", "agb_code", "legal_form", "website", "addresses"]


class ProviderViewSet(viewsets.ReadOnlyModelViewSet):
    """Care providers the caller may see (a provider user: only its own)."""

    serializer_class = ProviderSerializer

    def get_queryset(self):
        return Provider.objects.visible_to(self.request.user).prefetch_related("addresses")


def register(router) -> None:
    router.register("aanbieders", ProviderViewSet, basename="provider")
