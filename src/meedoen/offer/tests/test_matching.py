"""Ranking activities for one resident (offer.matching): hard constraints as properties (never a full activity, never
more hours than agreed without a flag, never an indication the resident lacks, never Dutch below the minimum), the
reasons and flags in Dutch, deterministic order, policy weights, and the database adapter's query count."""
import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.guidance.models import ActionPlan, Conversation, PlanStep
from meedoen.offer import matching
from meedoen.offer.matching import (
    FLAG_CARE, FLAG_FATIGUE, FLAG_OVER_HOURS, FLAG_PHYSICAL, FLAG_STARTS_LATER, ActivityOption, MatchingWeights,
    ResidentProfile, rank, suggest_for_resident,
)
from meedoen.offer.models import ActivityCategory, PhysicalLoad
from meedoen.referrals.models import Referral
from meedoen.residents.choices import CareDuties, HealthLimitation, LanguageLevel
from meedoen.tests.factories import ResidentFactory

from .factories import ActivityFactory

TODAY = dt.date(2026, 11, 23)
HOME = (51.9225, 4.4792)


def option(activity_id=1, **fields):
    defaults = {"title": f"Activiteit {activity_id}", "category": "volunteering", "location": HOME, "capacity": 5,
                "neighbourhood_id": 1}
    defaults.update(fields)
    if "keywords" not in fields:
        defaults["keywords"] = matching.keywords(defaults["title"], *defaults.get("tags", ()))
    return ActivityOption(activity_id=activity_id, **defaults)


def profile(**fields):
    defaults = {"resident_id": 1, "neighbourhood_id": 1, "location": HOME, "language_level": "B1"}
    defaults.update(fields)
    return ResidentProfile(**defaults)


def ids(suggestions):
    return [s.activity_id for s in suggestions]


# -- the vocabularies match the models --------------------------------------------------------------------------------


def test_the_plain_vocabularies_are_the_model_choices():
    assert set(matching.CATEGORIES) == set(ActivityCategory.values)
    assert matching.LANGUAGE_LEVELS == tuple(LanguageLevel.values)
    assert matching.HEALTH_LEVELS == tuple(HealthLimitation.values)
    assert matching.PHYSICAL_LOADS == tuple(PhysicalLoad.values)
    assert matching.CARE_DUTIES == tuple(CareDuties.values)


def test_keywords_are_normalised_content_words():
    assert matching.keywords("Ik wil graag koken en iets met dieren") == {"kok", "dier"}
    assert matching.keywords("Koken") == matching.keywords("kok")
    assert matching.keywords("Tuinen, café!") == {"tuin", "caf"}
    assert matching.keywords(None, "") == frozenset()


def test_distance_by_matrix_product_equals_haversine():
    a = np.array([[51.9225, 4.4792], [52.3676, 4.9041]])
    b = np.array([[51.9, 4.5], [51.95, 4.3], [53.2, 5.8]])
    expected = matching.haversine_km(a[:, :1], a[:, 1:], b[None, :, 0], b[None, :, 1])
    got = matching.distance_matrix_km(matching.unit_vectors(a[:, 0], a[:, 1]),
                                      matching.unit_vectors(b[:, 0], b[:, 1]))
    assert np.allclose(got, expected, rtol=1e-6, atol=1e-4)
    assert 50 < expected[1, 0] < 60  # Amsterdam to Rotterdam-Oost: about 55 km


# -- hard constraints --------------------------------------------------------------------------------------------------


def test_hard_constraints_exclude_activities():
    resident = profile(language_level="A2", physical_health="severe", current_activity_ids=frozenset({7}))
    options = [
        option(1),
        option(2, active=False),
        option(3, ends_on=TODAY - dt.timedelta(days=1)),
        option(4, capacity=3, places_taken=3),
        option(5, required_indication=matching.indication_key("Wmo-indicatie dagbesteding")),
        option(6, min_language_level="B1"),
        option(7),  # already referred there
        option(8, physical_load="heavy"),
    ]
    assert ids(rank(resident, options, today=TODAY, limit=None)) == [1]


def test_an_activity_needing_an_indication_is_suggested_to_a_resident_who_has_it():
    key = matching.indication_key("Wmo-indicatie dagbesteding")
    assert matching.indication_key("wmo indicatie Dagbesteding") == key
    options = [option(5, required_indication=key)]
    assert ids(rank(profile(indications=frozenset({key})), options, today=TODAY)) == [5]
    assert rank(profile(indications=frozenset({"iets anders"})), options, today=TODAY) == []


def test_an_activity_ending_today_or_starting_later_is_still_open():
    starts = TODAY + dt.timedelta(days=14)
    options = [option(1, ends_on=TODAY), option(2, starts_on=starts)]
    ranked = {s.activity_id: s for s in rank(profile(), options, today=TODAY)}
    assert set(ranked) == {1, 2}
    assert FLAG_STARTS_LATER in ranked[2].flag_codes
    assert ranked[2].flags == ["Begint pas op 7 december 2026."]


def test_max_km_from_the_policy_is_a_hard_limit():
    far = option(2, location=(52.3676, 4.9041))  # Amsterdam, from Rotterdam
    assert ids(rank(profile(), [option(1), far], today=TODAY)) == [1, 2]
    assert ids(rank(profile(), [option(1), far], today=TODAY, weights=MatchingWeights(max_km=15))) == [1]


# -- flags and reasons ----------------------------------------------------------------------------------------------


def test_more_hours_than_agreed_is_suggested_only_with_a_flag():
    resident = profile(capacity_hours=8)
    [fits, over] = rank(resident, [option(1, min_hours=4), option(2, min_hours=12)], today=TODAY)
    assert (fits.activity_id, over.activity_id) == (1, 2)
    assert FLAG_OVER_HOURS not in fits.flag_codes
    assert FLAG_OVER_HOURS in over.flag_codes
    assert over.flags[over.flag_codes.index(FLAG_OVER_HOURS)].startswith("Meer uren dan afgesproken")
    assert "Past bij je uren: vanaf 4 uur per week, jij kunt 8 uur." in fits.reasons


def test_the_same_kind_of_traject_again_is_flagged_as_project_fatigue():
    resident = profile(tried_categories=frozenset({"language"}))
    ranked = {s.activity_id: s for s in rank(resident, [option(1, category="language"), option(2)], today=TODAY)}
    assert ranked[1].flag_codes == (FLAG_FATIGUE,)
    assert ranked[1].flags == ["Hetzelfde soort traject als eerder. Bespreek samen wat er nu anders is."]
    assert ranked[2].flag_codes == ()
    assert ranked[1].score < ranked[2].score


def test_physical_load_and_care_duties_give_flags_and_reasons():
    resident = profile(physical_health="some", care_duties="young_children")
    options = [option(1, physical_load="light", days=frozenset({"mon", "tue"})),
               option(2, physical_load="heavy", days=frozenset({"sat", "sun"}))]
    light, heavy = rank(resident, options, today=TODAY)
    assert light.activity_id == 1
    assert "Lichamelijk licht werk." in light.reasons
    assert "Goed te combineren met je zorgtaken." in light.reasons
    assert set(heavy.flag_codes) == {FLAG_PHYSICAL, FLAG_CARE}


def test_reasons_name_interests_plan_needs_nearness_and_places():
    resident = profile(keywords=matching.keywords("koken, tuin"), plan_categories=frozenset({"volunteering"}),
                       needs=frozenset({"social"}))
    options = [option(1, title="Buurtkeuken", tags=("koken", "samen eten"), capacity=4, places_taken=1),
               option(2, title="Ontmoetingsochtend", category="social", neighbourhood_id=2,
                      location=(HOME[0] + 0.01, HOME[1]))]
    first, second = rank(resident, options, today=TODAY)
    assert first.activity_id == 1
    assert first.reasons == ["Past bij je interesses: koken.", "Dit soort activiteit staat in je plan van aanpak.",
                             "In je eigen wijk.", "Er zijn nog 3 plaatsen vrij."]
    assert "Hier ontmoet je andere mensen." in second.reasons
    assert "Dichtbij: ongeveer 1,1 km van huis." in second.reasons
    assert second.distance_km == pytest.approx(1.11, abs=0.01)


def test_nearer_scores_higher_and_interests_outweigh_a_little_distance():
    resident = profile(keywords=matching.keywords("fietsen"))
    near = option(1, location=HOME)
    far = option(2, location=(HOME[0] + 0.05, HOME[1]))  # about 5.6 km
    assert ids(rank(resident, [far, near], today=TODAY)) == [1, 2]
    liked_far = option(3, title="Fietsenmaker", tags=("fietsen", "repareren"), location=(HOME[0] + 0.02, HOME[1]),
                       neighbourhood_id=2)
    assert ids(rank(resident, [near, liked_far], today=TODAY))[0] == 3


def test_ties_break_on_distance_then_activity_id():
    options = [option(9, neighbourhood_id=3), option(4, neighbourhood_id=3), option(5, neighbourhood_id=3)]
    assert ids(rank(profile(), options, today=TODAY)) == [4, 5, 9]


# -- policy data -------------------------------------------------------------------------------------------------------


def test_weights_come_from_policy_data_with_defaults():
    assert MatchingWeights.from_settings(None) == matching.DEFAULT_WEIGHTS
    weights = MatchingWeights.from_settings({"distance": 0, "interest": 5, "max_km": 10})
    assert (weights.distance, weights.interest, weights.max_km, weights.hours) == (0, 5, 10, 1.5)
    for bad in ({"unknown": 1}, {"distance": -1}, {"distance": "far"}, {"distance_half_km": 0},
                {key: 0 for key in MatchingWeights.SCORE_KEYS}):
        with pytest.raises(ValueError):
            MatchingWeights.from_settings(bad)


def test_zero_distance_weight_makes_distance_irrelevant():
    weights = MatchingWeights(distance=0)
    options = [option(1, location=(HOME[0] + 0.05, HOME[1]), neighbourhood_id=2), option(2, neighbourhood_id=2)]
    scores = {s.activity_id: s.score for s in rank(profile(), options, today=TODAY, weights=weights)}
    assert scores[1] == scores[2]


# -- properties --------------------------------------------------------------------------------------------------------

levels = st.sampled_from(matching.LANGUAGE_LEVELS)
indications = st.sampled_from(["wmo dagbesteding", "indicatie"])
words = st.sampled_from(["kok", "tuin", "dier", "fiets", "muziek", "taal"])


@st.composite
def options_strategy(draw):
    n = draw(st.integers(min_value=0, max_value=25))
    out = []
    for i in range(n):
        capacity = draw(st.integers(min_value=0, max_value=6))
        min_hours = draw(st.sampled_from([0, 2, 4, 8, 12, 16, 24]))
        out.append(option(
            i + 1, category=draw(st.sampled_from(matching.CATEGORIES)), capacity=capacity,
            places_taken=draw(st.integers(min_value=0, max_value=capacity + 1)),
            min_hours=float(min_hours), max_hours=float(min_hours + 8),
            min_language_level=draw(levels), physical_load=draw(st.sampled_from(matching.PHYSICAL_LOADS)),
            required_indication=draw(st.none() | indications), active=draw(st.booleans() | st.just(True)),
            ends_on=draw(st.none() | st.just(TODAY - dt.timedelta(days=1)) | st.just(TODAY)),
            keywords=frozenset(draw(st.lists(words, max_size=3))),
            location=draw(st.none() | st.tuples(st.floats(51.85, 51.99), st.floats(4.35, 4.6))),
            neighbourhood_id=draw(st.integers(min_value=1, max_value=4)),
            days=frozenset(draw(st.lists(st.sampled_from(matching.WEEKDAYS), max_size=4))),
        ))
    return out


@st.composite
def profiles_strategy(draw):
    return profile(
        language_level=draw(levels), physical_health=draw(st.sampled_from(matching.HEALTH_LEVELS)),
        care_duties=draw(st.sampled_from(matching.CARE_DUTIES)),
        capacity_hours=draw(st.none() | st.sampled_from([4.0, 8.0, 10.0, 20.0])),
        indications=frozenset(draw(st.lists(indications, max_size=1))),
        keywords=frozenset(draw(st.lists(words, max_size=3))),
        tried_categories=frozenset(draw(st.lists(st.sampled_from(matching.CATEGORIES), max_size=2))),
        plan_categories=frozenset(draw(st.lists(st.sampled_from(matching.CATEGORIES), max_size=2))),
        location=draw(st.none() | st.just(HOME)), neighbourhood_id=draw(st.integers(min_value=1, max_value=4)),
    )


@settings(max_examples=150, deadline=None)
@given(profiles_strategy(), options_strategy(), st.integers(min_value=1, max_value=10))
def test_ranking_never_breaks_a_hard_constraint(resident, options, limit):
    by_id = {o.activity_id: o for o in options}
    suggestions = rank(resident, options, today=TODAY, limit=limit)
    assert len(suggestions) <= limit
    for s in suggestions:
        o = by_id[s.activity_id]
        assert o.free_places > 0, "never a full activity"
        assert o.required_indication is None or o.required_indication in resident.indications
        assert matching.LANGUAGE_LEVELS.index(resident.language_level) >= \
            matching.LANGUAGE_LEVELS.index(o.min_language_level)
        assert o.active and (o.ends_on is None or o.ends_on >= TODAY)
        assert not (resident.physical_health == "severe" and o.physical_load == "heavy")
        if resident.capacity_hours is not None and o.min_hours > resident.capacity_hours:
            assert FLAG_OVER_HOURS in s.flag_codes, "more hours than the stated capacity only with a flag"
        if o.category in resident.tried_categories:
            assert FLAG_FATIGUE in s.flag_codes
        assert len(s.flags) == len(s.flag_codes) and all(isinstance(text, str) for text in s.reasons + s.flags)
        assert 0 <= s.score <= 100
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


@settings(max_examples=100, deadline=None)
@given(profiles_strategy(), options_strategy(), st.randoms(use_true_random=False))
def test_ranking_is_deterministic_and_independent_of_catalogue_order(resident, options, rnd):
    first = rank(resident, options, today=TODAY, limit=5)
    shuffled = list(options)
    rnd.shuffle(shuffled)
    again = rank(resident, shuffled, today=TODAY, limit=5)
    assert [(s.activity_id, s.score, s.reasons, s.flags) for s in first] == \
        [(s.activity_id, s.score, s.reasons, s.flags) for s in again]
    # The top 5 are the first 5 of the full ranking.
    assert ids(rank(resident, options, today=TODAY, limit=None))[:5] == ids(first)


@settings(max_examples=60, deadline=None)
@given(st.lists(profiles_strategy(), min_size=1, max_size=6), options_strategy())
def test_one_resident_or_a_block_score_the_same(residents, options):
    """The planner scores blocks of residents without explanations; a suggestion scores one with them."""
    catalogue = matching.Catalogue(options, today=TODAY)
    block = matching.score_block(matching.ResidentBlock(residents), catalogue, explain=False)
    for i, resident in enumerate(residents):
        single = matching.score_block(matching.ResidentBlock([resident]), catalogue)
        assert np.array_equal(single.score[0], block.score[i])
        assert np.array_equal(single.feasible[0], block.feasible[i])


# -- the database adapter ----------------------------------------------------------------------------------------------


def _activity(provider, neighbourhood, n, **fields):
    defaults = {"municipality": provider.municipality, "provider": provider, "code": f"T-{n}",
                "title": f"Activiteit {n}", "neighbourhood": neighbourhood, "latitude": Decimal("51.92250"),
                "longitude": Decimal("4.47920"), "min_hours_per_week": Decimal("2"), "capacity": 3}
    defaults.update(fields)
    return ActivityFactory(**defaults)


@pytest.fixture
def catalogue(provider, neighbourhood):
    return [_activity(provider, neighbourhood, n) for n in range(3)]


def _plan(resident, caseworker, today, capacity, route="participation", steps=("volunteering",)):
    plan = ActionPlan.objects.create(resident=resident, version=1, status="signed", route=route, goals="Ritme",
                                     capacity_hours_per_week=Decimal(capacity), review_on=today + dt.timedelta(90),
                                     signed_on=today, created_by=caseworker)
    for i, kind in enumerate(steps):
        PlanStep.objects.create(plan=plan, position=i, kind=kind, description="Stap", hours_per_week=Decimal("4"),
                                responsible="resident")
    return plan


def _referral(resident, activity, caseworker, status, **fields):
    return Referral.objects.create(resident=resident, provider=activity.provider, activity=activity, status=status,
                                   referred_by=caseworker, handover_note="Warme overdracht",
                                   consent_recorded_at=dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc), **fields)


def test_suggest_for_resident_reads_the_dossier(resident, caseworker, provider, neighbourhood, today, catalogue):
    resident.interests = "Ik kook graag"
    resident.save()
    Conversation.objects.create(resident=resident, held_on=today, where="office", discussed="Kennismaking",
                                wishes="Iets met dieren", held_by=caseworker)
    _plan(resident, caseworker, today, capacity="6")
    cooking = _activity(provider, neighbourhood, 10, title="Buurtkeuken", tags=["koken"])
    animals = _activity(provider, neighbourhood, 11, title="Kinderboerderij", tags=["dieren"], category="social")
    too_long = _activity(provider, neighbourhood, 12, title="Werkbrigade groen", category="work_brigade",
                         min_hours_per_week=Decimal("24"), max_hours_per_week=Decimal("32"))
    full = _activity(provider, neighbourhood, 13, title="Vol", capacity=1, tags=["koken", "dieren"])
    other = _neighbour_of(resident)
    _referral(other, full, caseworker, "placed")
    language = _activity(provider, neighbourhood, 14, title="Taalcafé", category="language")
    _referral(resident, language, caseworker, "returned", returned_on=today - dt.timedelta(days=200))

    ranked = suggest_for_resident(resident, today=today, limit=None)
    by_id = {s.activity_id: s for s in ranked}
    assert full.pk not in by_id and language.pk in by_id
    assert ranked[0].activity_id in (cooking.pk, animals.pk)
    assert "Past bij je interesses: koken." in by_id[cooking.pk].reasons
    assert "Past bij je interesses: dieren." in by_id[animals.pk].reasons
    assert "Dit soort activiteit staat in je plan van aanpak." in by_id[cooking.pk].reasons
    assert by_id[too_long.pk].flag_codes == (FLAG_OVER_HOURS,)
    assert FLAG_FATIGUE in by_id[language.pk].flag_codes
    assert len(suggest_for_resident(resident, today=today)) == 5
    only = suggest_for_resident(resident, today=today, activities=[cooking, too_long])
    assert {s.activity_id for s in only} == {cooking.pk, too_long.pk}


def _neighbour_of(resident):
    return ResidentFactory(municipality=resident.municipality, neighbourhood=resident.neighbourhood)


def test_an_open_referral_is_never_suggested_again(resident, caseworker, today, catalogue):
    _referral(resident, catalogue[0], caseworker, "sent")
    assert catalogue[0].pk not in ids(suggest_for_resident(resident, today=today, limit=None))


@pytest.mark.parametrize("size", [1, 10, 50])
def test_suggestions_take_the_same_few_queries_whatever_the_catalogue_size(resident, caseworker, provider,
                                                                           neighbourhood, today, size):
    for n in range(size):
        _activity(provider, neighbourhood, 100 + n, tags=["koken", "tuin"])
    _plan(resident, caseworker, today, capacity="8")
    suggest_for_resident(resident, today=today)  # warm the policy-profile cache
    with CaptureQueriesContext(connection) as queries:
        ranked = suggest_for_resident(resident, today=today)
    assert len(ranked) == min(5, size)
    assert len(queries.captured_queries) <= 10


def test_policy_weights_are_read_from_the_profile(resident, today, catalogue):
    from meedoen.policy.services import active_profile, clear_profile_cache

    profile_in_force = active_profile(resident.municipality, today)
    profile_in_force.extra = {**(profile_in_force.extra or {}), "matching": {"distance": 0, "places": 0}}
    profile_in_force.save()
    clear_profile_cache()
    weights = matching.weights_for(resident.municipality, today)
    assert (weights.distance, weights.places, weights.interest) == (0, 0, 3.0)


def test_an_activity_needing_an_indication_is_suggested_only_to_residents_who_have_it(resident, provider,
                                                                                      neighbourhood, today):
    day_activity = _activity(provider, neighbourhood, 20, title="Houtwerkplaats", category="day_activity",
                             requires_indication=True, indication_note="Wmo-indicatie dagbesteding")
    assert day_activity.pk not in ids(suggest_for_resident(resident, today=today, limit=None))
    resident.indications = "wmo indicatie Dagbesteding, WLZ"  # spelling and order as a caseworker may type it
    resident.save()
    assert day_activity.pk in ids(suggest_for_resident(resident, today=today, limit=None))
