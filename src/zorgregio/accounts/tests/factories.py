import factory

from zorgregio.aanbieders.tests.factories import ProviderFactory
from zorgregio.accounts.models import Role, User
from zorgregio.regio.tests.factories import RegionFactory

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """A user; traits name the roles, e.g. ``UserFactory(municipality_staff=True)``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    region = factory.SubFactory(RegionFactory)
    role = Role.REGIONAL

    class Params:
        regional_team = factory.Trait(role=Role.REGIONAL)
        municipality_staff = factory.Trait(role=Role.MUNICIPALITY)
        provider_user = factory.Trait(
            role=Role.PROVIDER, provider=factory.SubFactory(ProviderFactory)
        )
        council_member = factory.Trait(role=Role.COUNCIL)
        administrator = factory.Trait(role=Role.ADMIN)
        without_role = factory.Trait(role="")

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)
        if create:
            self.save()
