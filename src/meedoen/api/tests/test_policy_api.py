"""Policy profiles: read-only, for staff only, with every setting."""
import pytest
from django.urls import reverse

from meedoen.policy.models import PolicyProfile

pytestmark = pytest.mark.django_db


def test_staff_read_profiles_with_all_settings(api, caseworker, analyst, presets):
    profile = PolicyProfile.objects.get(key="rotterdam")
    for user in (caseworker, analyst):
        response = api.as_user(user).get(reverse("api:policy-profile-list"), {"key": "rotterdam"})
        assert response.status_code == 200 and response.json()["count"] == 1
    body = api.get(reverse("api:policy-profile-detail", kwargs={"pk": profile.pk})).json()
    for name in ("segmentation", "contact_norms", "caseload_norms", "stance", "letter_tone", "no_show_ladder",
                 "reciprocity", "assessment_weights", "neighbourhood_team_sees_names", "resident_term", "version",
                 "status", "effective_from"):
        assert name in body
    assert body["segmentation"]["groups"][0]["code"] == "kansrijk"
    assert body["caseload_norms"] == {"intensive": 350, "light": 350}


def test_residents_and_anonymous_cannot_read_profiles(api, resident_user, presets):
    assert api.get(reverse("api:policy-profile-list")).status_code in (401, 403)
    assert api.as_user(resident_user).get(reverse("api:policy-profile-list")).status_code == 403


def test_profiles_cannot_be_changed_through_the_api(api, caseworker, presets):
    profile = PolicyProfile.objects.first()
    api.as_user(caseworker)
    assert api.post(reverse("api:policy-profile-list"), {}, format="json").status_code == 405
    assert api.patch(reverse("api:policy-profile-detail", kwargs={"pk": profile.pk}), {"name": "x"},
                     format="json").status_code == 405
