"""The built-in policy profile presets (DESIGN §3): they load, validate, differ where the research says they differ,
and versioning picks the newest approved version in force."""
import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from meedoen.policy import services
from meedoen.policy.models import PolicyProfile
from meedoen.policy.presets import load_presets, preset_files
from meedoen.policy.schema import validate_settings
from meedoen.tests.factories import UserFactory

PRESET_KEYS = {
    "rotterdam", "amsterdam", "utrecht", "tilburg", "leeuwarden", "bremen", "stockholm",
    "amsterdam-zelfregie", "amsterdam-extra-aandacht", "amsterdam-regulier",
}
AMSTERDAM_ARMS = ["amsterdam-zelfregie", "amsterdam-extra-aandacht", "amsterdam-regulier"]


def profile(key):
    return PolicyProfile.objects.get(key=key, version=1)


@pytest.fixture
def loaded(db):
    return load_presets()


def test_preset_files_are_the_ten_presets():
    keys = {json.loads(path.read_text())["key"] for path in preset_files()}
    assert keys == PRESET_KEYS
    # File name and key agree, so an administrator can find the file of a profile.
    assert {path.stem for path in preset_files()} == PRESET_KEYS


@pytest.mark.parametrize("path", preset_files(), ids=lambda p: p.stem)
def test_every_preset_file_validates(path):
    data = json.loads(path.read_text())
    assert validate_settings(data) == []
    assert data["effective_from"] == "2026-01-01"
    assert "DESIGN §3" in data["description"]


def test_all_presets_load_as_approved_version_1(loaded):
    assert {p.key for p in loaded} == PRESET_KEYS
    profiles = PolicyProfile.objects.filter(key__in=PRESET_KEYS)
    assert profiles.count() == len(PRESET_KEYS)
    for p in profiles:
        assert p.version == 1
        assert p.status == PolicyProfile.Status.APPROVED
        assert p.is_preset
        assert p.effective_from == dt.date(2026, 1, 1)
        assert p.approved_by_name
        assert p.assessment_weights, "presets get the default assessment weights"


def test_load_presets_is_idempotent(loaded):
    before = list(PolicyProfile.objects.order_by("pk").values_list("pk", "key", "version"))
    assert load_presets() == []
    assert list(PolicyProfile.objects.order_by("pk").values_list("pk", "key", "version")) == before


def test_every_loaded_preset_validates_and_passes_full_clean_as_new(loaded):
    for p in PolicyProfile.objects.filter(key__in=PRESET_KEYS):
        assert validate_settings(p.settings_dict()) == [], p.key
        # A draft copy of every preset is a valid starting point for a municipality's own profile.
        draft = services.copy_as_draft(p)
        draft.full_clean()


def test_amsterdam_arms_differ_in_contact_or_caseload(loaded):
    arms = {key: profile(key) for key in AMSTERDAM_ARMS}
    for a in AMSTERDAM_ARMS:
        for b in AMSTERDAM_ARMS:
            if a < b:
                pa, pb = arms[a], arms[b]
                assert (pa.contact_norms, pa.caseload_norms) != (pb.contact_norms, pb.caseload_norms), (a, b)

    extra = arms["amsterdam-extra-aandacht"]
    regular = arms["amsterdam-regulier"]
    self_direction = arms["amsterdam-zelfregie"]
    # Extra attention: smaller caseload and more frequent contact than regular.
    assert extra.caseload_norms["intensive"] <= 75
    assert extra.caseload_norms["intensive"] < regular.caseload_norms["intensive"]
    assert max(d for per in extra.contact_norms.values() for d in per.values()) <= 31
    # Self-direction: no imposed contact, so no no-show ladder; contact less often than regular.
    assert self_direction.no_show_ladder == []
    assert self_direction.stance == PolicyProfile.Stance.VOLUNTARY
    assert min(d for per in self_direction.contact_norms.values() for d in per.values()) > max(
        d for per in regular.contact_norms.values() for d in per.values()
    )
    # Regular is the control: Amsterdam's ordinary approach.
    amsterdam = profile("amsterdam")
    for field in ("contact_norms", "caseload_norms", "no_show_ladder", "reciprocity", "stance", "segmentation"):
        assert getattr(regular, field) == getattr(amsterdam, field), field


def test_segment_counts(loaded):
    for key in PRESET_KEYS:
        expected = 3 if key in {"tilburg", "leeuwarden"} else 2
        assert len(profile(key).groups) == expected, key
    for key in ("rotterdam", "amsterdam", "utrecht"):
        groups = profile(key).groups
        assert groups[0].max_months == 24, "kansarm from 24 months on"


def test_neighbourhood_team_sees_names_only_where_policy_says(loaded):
    assert profile("leeuwarden").neighbourhood_team_sees_names is True
    assert profile("rotterdam").neighbourhood_team_sees_names is False


def test_presets_follow_the_research(loaded):
    assert profile("amsterdam").resident_term == "cliënt"
    assert profile("leeuwarden").resident_term == "bewoner"
    assert profile("stockholm").resident_term == "aspirant"
    assert [s["kind"] for s in profile("amsterdam").no_show_ladder] == [
        "invitation", "second_invitation", "home_visit", "close_outreach",
    ]
    assert profile("utrecht").no_show_ladder == []
    assert profile("tilburg").no_show_ladder == []
    assert profile("utrecht").contact_norms["kansarm"] == {"intensive": 365, "light": 365}
    assert profile("leeuwarden").stance == PolicyProfile.Stance.PRESSURE
    assert profile("leeuwarden").extra["target"]["volunteers"] == 175
    assert profile("bremen").stance == PolicyProfile.Stance.MANDATORY
    assert profile("bremen").caseload_norms["intensive"] == 150
    assert profile("bremen").extra["ein_euro_job"]["hourly_allowance_eur"] == "1.40"
    assert [s["kind"] for s in profile("bremen").no_show_ladder] == ["pay_not_earned"]
    stockholm = profile("stockholm")
    assert all(per["light"] <= 61 for per in stockholm.contact_norms.values())
    assert 25 <= stockholm.caseload_norms["intensive"] <= 30
    assert [s["kind"] for s in stockholm.no_show_ladder] == ["measure_proposal"]
    assert stockholm.extra["individual_plan_within_days"] == 5
    assert profile("rotterdam").reciprocity["sanction"] is True
    assert all(profile(k).reciprocity["sanction"] is False for k in PRESET_KEYS - {"rotterdam"})


def test_active_for_returns_newest_approved_version_in_force(loaded):
    v1 = profile("amsterdam")
    user = UserFactory()
    v2 = services.copy_as_draft(v1, effective_from=dt.date(2026, 7, 1))
    v2.caseload_norms = {"intensive": 200, "light": 400}
    v2.save()
    assert v2.version == 2
    assert v2.based_on == v1

    # A draft is never in force.
    assert PolicyProfile.objects.active_for("amsterdam", dt.date(2026, 8, 1)) == v1

    services.approve(v2, user)
    v2.refresh_from_db()
    assert v2.status == PolicyProfile.Status.APPROVED
    assert v2.approved_by == user

    assert PolicyProfile.objects.active_for("amsterdam", dt.date(2025, 12, 31)) is None
    assert PolicyProfile.objects.active_for("amsterdam", dt.date(2026, 1, 1)) == v1
    assert PolicyProfile.objects.active_for("amsterdam", dt.date(2026, 6, 30)) == v1
    assert PolicyProfile.objects.active_for("amsterdam", dt.date(2026, 7, 1)) == v2
    assert PolicyProfile.objects.active_for("amsterdam", dt.date(2027, 1, 1)) == v2
    # Other keys are not affected.
    assert PolicyProfile.objects.active_for("amsterdam-regulier", dt.date(2027, 1, 1)).version == 1


def test_same_effective_date_prefers_higher_version(loaded):
    v1 = profile("utrecht")
    v2 = services.copy_as_draft(v1, effective_from=v1.effective_from)
    services.approve(v2, UserFactory())
    assert PolicyProfile.objects.active_for("utrecht", dt.date(2026, 3, 1)) == v2


def test_approved_profile_cannot_be_edited(loaded):
    p = profile("rotterdam")
    p.caseload_norms = {"intensive": 100, "light": 100}
    with pytest.raises(ValidationError):
        p.full_clean()


def test_invalid_draft_cannot_be_approved(loaded):
    draft = services.copy_as_draft(profile("tilburg"))
    draft.contact_norms = {}
    draft.save()
    with pytest.raises(ValidationError):
        services.approve(draft, UserFactory())
    draft.refresh_from_db()
    assert draft.status == PolicyProfile.Status.DRAFT


def test_active_profile_cache_is_cleared_when_a_version_is_approved(db):
    import datetime as dt

    from meedoen.policy import services
    from meedoen.tests.factories import MunicipalityFactory, UserFactory

    load_presets()
    municipality = MunicipalityFactory(policy_key="rotterdam")
    first = services.active_profile(municipality, dt.date(2026, 6, 1))
    assert services.active_profile(municipality, dt.date(2026, 6, 1)) is first  # cached
    draft = services.copy_as_draft(first, effective_from=dt.date(2026, 5, 1))
    services.approve(draft, UserFactory(municipality=municipality))
    assert services.active_profile(municipality, dt.date(2026, 6, 1)).version == draft.version


def test_settings_messages_are_translated_from_constant_msgids_and_filled_in_afterwards():
    from django.utils import translation

    from meedoen.tests.i18n import english_catalogue, f_strings_in

    assert f_strings_in(validate_settings) == []
    data = json.loads(preset_files()[0].read_text())
    data["caseload_norms"] = {**data["caseload_norms"], "light": 0}
    data["no_show_ladder"] = [{"kind": "carrier_pigeon"}]
    with translation.override("nl"):
        assert validate_settings(data) == ["Caseloadnorm 'light' moet een getal tussen 1 en 1000 zijn.",
                                           "No-showladder stap 1: onbekende soort."]
    with english_catalogue({
        "Caseloadnorm '{intensity}' moet een getal tussen 1 en 1000 zijn.":
            "Caseload norm '{intensity}' must be a number from 1 to 1000.",
        "No-showladder stap {number}: onbekende soort.": "No-show ladder step {number}: unknown kind.",
    }):
        assert validate_settings(data) == ["Caseload norm 'light' must be a number from 1 to 1000.",
                                           "No-show ladder step 1: unknown kind."]
