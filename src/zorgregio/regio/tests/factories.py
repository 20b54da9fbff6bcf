import factory

from zorgregio.regio.models import Inhabitants, Municipality, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]

    name = "Zorgregio Midden-IJssel/Oost-Veluwe"
    slug = "midden-ijssel-oost-veluwe"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["cbs_code"]

    region = factory.SubFactory(RegionFactory)
    cbs_code = "0200"
    name = "Apeldoorn"
    province = "Gelderland"


class InhabitantsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inhabitants

    municipality = factory.SubFactory(MunicipalityFactory)
    year = 2026
    count = 166_000
