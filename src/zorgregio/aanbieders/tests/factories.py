import factory

from zorgregio.aanbieders.models import Provider


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Faker("company", locale="nl_NL")
    kvk_number = factory.Sequence(lambda n: f"{10_000_000 + n:08d}")
    agb_code = factory.Sequence(lambda n: f"98{n:06d}")
