"""factory_boy factories shared by all apps' tests."""
import datetime as dt

import factory
from stdnum.nl import bsn as stdnum_bsn

from meedoen.accounts.models import Role, User
from meedoen.organisation.models import Municipality, Neighbourhood, Team, Venue
from meedoen.residents.models import Resident


def valid_bsn(n):
    """The n-th valid BSN (11-proof) from a fixed start, so factories never collide."""
    base = 100000000 + n * 100
    while True:
        candidate = f"{base:09d}"
        if stdnum_bsn.is_valid(candidate):
            return candidate
        base += 1


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    code = factory.Sequence(lambda n: f"{9000 + n:04d}")
    policy_key = "rotterdam"


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Wijk {n}")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    municipality = factory.SubFactory(MunicipalityFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory, municipality=factory.SelfAttribute("..municipality"))
    name = factory.Sequence(lambda n: f"Huis van de Wijk {n}")
    kind = Venue.Kind.COMMUNITY_CENTRE


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    # Not a Faker surname: many tests check that no resident's surname is on a page, and the page header shows the
    # logged-in staff member's name (a shared "Jansen" made such a test fail at random).
    last_name = factory.Sequence(lambda n: f"Collega{n}")
    role = Role.CASEWORKER
    municipality = factory.SubFactory(MunicipalityFactory)
    team = factory.SubFactory(TeamFactory, municipality=factory.SelfAttribute("..municipality"))
    password = factory.PostGenerationMethodCall("set_password", "demo-wachtwoord-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    municipality = factory.SubFactory(MunicipalityFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory, municipality=factory.SelfAttribute("..municipality"))
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    bsn = factory.Sequence(valid_bsn)
    date_of_birth = dt.date(1970, 5, 17)
    benefit_start_date = dt.date(2015, 3, 1)
    education_level = "vmbo"
    dutch_language_level = "B1"
    work_experience_years = 4
    street = "Dorpsstraat"
    house_number = "12"
    postcode = "3011AA"
    city = "Rotterdam"


def api_key_for(user, days=30):
    """An API key for `user`, issued the only way there is: by a superuser (meedoen.accounts.tokens.issue)."""
    from meedoen.accounts import tokens

    issuer = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, municipality=user.municipality)
    _token, key = tokens.issue(user=user, name="test", days=days, issued_by=issuer)
    return key
