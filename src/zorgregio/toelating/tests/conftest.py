import pytest

from zorgregio.aanbieders.tests.factories import ProviderFactory

from .factories import published_procedure


@pytest.fixture
def setup(region, apeldoorn, zutphen):
    """A published procedure open now, its catalogue, its requirements by code and a
    committee of two (``members``)."""
    procedure, catalogue, requirements, members = published_procedure(region, [apeldoorn, zutphen])
    return procedure, catalogue, requirements, members


@pytest.fixture
def procedure(setup):
    return setup[0]


@pytest.fixture
def catalogue(setup):
    return setup[1]


@pytest.fixture
def requirements(setup):
    return setup[2]


@pytest.fixture
def members(setup):
    return setup[3]


@pytest.fixture
def provider(users, region):
    provider = users["aanbieder"].provider
    provider.regions.add(region)
    return provider


@pytest.fixture
def other_provider(region):
    provider = ProviderFactory(name="Andere Zorg BV")
    provider.regions.add(region)
    return provider
