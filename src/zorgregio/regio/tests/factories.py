import factory
from django.utils.text import slugify

from zorgregio.regio.models import Inhabitants, Municipality, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]

    name = "Zorgregio Midden-IJssel/Oost-Veluwe"
    # The demo region by default (one row, whoever asks); another name is another region.
    slug = factory.LazyAttribute(
        lambda o: (
            "midden-ijssel-oost-veluwe"
            if o.name == "Zorgregio Midden-IJssel/Oost-Veluwe"
            else slugify(o.name)
        )
    )


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
