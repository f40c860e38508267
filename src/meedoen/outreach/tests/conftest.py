"""Fixtures for outreach tests: a clock that moves (time-machine) and a Huis van de Wijk."""
import pytest
import time_machine

from meedoen.tests.factories import VenueFactory

from .helpers import START


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def venue(municipality, neighbourhood):
    return VenueFactory(municipality=municipality, neighbourhood=neighbourhood, name="Huis van de Wijk Feijenoord",
                        address="Oranjeboomstraat 1, 3071 AA Rotterdam")
