"""Mijn Meedoen: a resident sees only their own dossier, staff are refused, every read is audited, the money
explanation is the caseworker's, the plan can be signed in the portal, and page queries do not grow with data."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.guidance.models import ActionPlan
from meedoen.money import services as money
from meedoen.money.models import MonthlyCalculation
from meedoen.obligations.models import Exemption, Measure
from meedoen.portal.access import DEFAULT_SESSION_AGE
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import ResidentFactory, UserFactory

from .conftest import draft_plan, make_letters, signed_plan, step

pytestmark = pytest.mark.django_db

PAGES = ["portal:overview", "portal:plan", "portal:money", "portal:letters", "portal:appointments",
         "portal:obligations"]
MARCH = dt.date(2026, 3, 1)


def add_income(resident, caseworker, month=MARCH, amount="800.00", **extra):
    data = {"month": month, "kind": "wage_monthly", "net_amount": Decimal(amount), "employer": "Bakkerij De Korenbloem",
            "source": "payslip", "serves_work": True, **extra}
    return money.add_income_report(resident, actor=caseworker, **data)


def decide(resident, caseworker, month=MARCH):
    state = money.month_state(resident, month)
    return money.decide_month(resident, month, actor=caseworker, expected_fingerprint=state.fingerprint)


# -- access -----------------------------------------------------------------------------------------------------------


def test_home_sends_a_resident_to_the_portal(resident_client):
    response = resident_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:overview")


@pytest.mark.parametrize("name", PAGES)
def test_resident_sees_their_own_page_without_bsn_and_the_view_is_audited(resident_client, resident, name):
    response = resident_client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert resident.bsn not in html and resident.bsn_masked not in html
    entry = AuditEntry.objects.filter(resident_id=resident.pk, action="view").latest("occurred_at")
    assert entry.actor_username == "inwoner" and entry.detail["part"].startswith("portal ")
    assert entry.screen == name


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMINISTRATOR, Role.ANALYST])
def test_staff_get_403_on_every_portal_page_and_it_is_audited(client, municipality, team, resident, role):
    staff = UserFactory(username=f"staff-{role}", municipality=municipality, team=team, role=role)
    client.force_login(staff)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    assert AuditEntry.objects.filter(actor=staff, action="denied").count() == len(PAGES)
    assert not AuditEntry.objects.filter(actor=staff, action="view").exists()


def test_a_staff_user_linked_to_a_dossier_still_gets_403(client, caseworker, resident):
    caseworker.resident = resident
    caseworker.save(update_fields=["resident"])
    client.force_login(caseworker)
    assert client.get(reverse("portal:overview")).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(reverse("portal:money"))
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]


def test_resident_without_a_linked_dossier_gets_a_friendly_page(client, municipality):
    user = UserFactory(username="los", municipality=municipality, team=None, role=Role.RESIDENT)
    client.force_login(user)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "nog niet gekoppeld" in response.content.decode()
    assert not AuditEntry.objects.filter(action="view").exists()


def test_portal_pages_give_the_resident_a_short_session(resident_client):
    resident_client.get(reverse("portal:overview"))
    assert resident_client.session.get_expiry_age() == DEFAULT_SESSION_AGE


def test_a_staff_session_keeps_its_normal_length(client, caseworker, settings):
    client.force_login(caseworker)
    client.get(reverse("portal:overview"))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


# -- overview ---------------------------------------------------------------------------------------------------------


def test_overview_shows_caseworker_next_contact_and_the_signed_plan(resident_client, resident, caseworker):
    signed_plan(resident, caseworker)
    resident.refresh_from_db()
    html = resident_client.get(reverse("portal:overview")).content.decode()
    assert f", {resident.first_name}</h1>" in html
    assert caseworker.get_full_name() in html
    assert resident.next_contact_on is not None and f"{resident.next_contact_on.day} " in html
    assert "Meer onder de mensen komen" in html and "Vrijwilligerswerk bij de buurtkeuken" in html
    assert "Er staat een plan van aanpak voor u klaar" not in html


# -- letters ----------------------------------------------------------------------------------------------------------


def test_resident_downloads_their_own_letter_and_it_is_audited(resident_client, resident):
    letter = make_letters(resident, 1)[0]
    html = resident_client.get(reverse("portal:letters")).content.decode()
    assert letter.subject in html and reverse("portal:letter_pdf", args=[letter.pk]) in html
    response = resident_client.get(reverse("portal:letter_pdf", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(resident_id=resident.pk, action="export", object_id=str(letter.pk)).exists()


def test_another_residents_letter_is_404_and_the_attempt_is_audited(resident_client, resident, other_resident):
    theirs = make_letters(other_resident, 1)[0]
    response = resident_client.get(reverse("portal:letter_pdf", args=[theirs.pk]))
    assert response.status_code == 404
    denied = AuditEntry.objects.get(action="denied")
    assert denied.resident_id == other_resident.pk and denied.actor_username == "inwoner"
    assert theirs.subject not in resident_client.get(reverse("portal:letters")).content.decode()


# -- money ------------------------------------------------------------------------------------------------------------


def _caseworker_lines(client, caseworker, resident, month="2026-03"):
    client.force_login(caseworker)
    response = client.get(reverse("money:resident", args=[resident.public_id]) + f"?maand={month}")
    return response.context["lines"]


def _portal_lines(client, resident_user, month="2026-03"):
    client.force_login(resident_user)
    response = client.get(reverse("portal:money") + f"?maand={month}")
    return response.context["lines"], response


def _visible(lines):
    return [(line["code"], line["label"], line["text"], line["amount"], line["sign"], line["citation"])
            for line in lines]


def test_the_explanation_is_line_for_line_the_caseworkers_for_a_provisional_month(
        client, caseworker, resident, resident_user):
    add_income(resident, caseworker)
    staff_lines = _caseworker_lines(client, caseworker, resident)
    lines, response = _portal_lines(client, resident_user)
    assert _visible(lines) == _visible(staff_lines)
    assert {"norm", "income", "disregard", "offset", "to_pay"} <= {line["code"] for line in lines}
    assert all(line["why"] for line in lines)
    html = response.content.decode()
    assert "Voorlopig" in html and "Participatiewet art. 21 onder a" in html and "761,42" in html


def test_a_decided_month_reads_from_storage_and_equals_the_caseworkers(client, caseworker, resident, resident_user):
    add_income(resident, caseworker)
    decide(resident, caseworker)
    stored = MonthlyCalculation.objects.get(resident=resident, month=MARCH, status="decided")
    lines, response = _portal_lines(client, resident_user)
    assert _visible(lines) == _visible(_caseworker_lines(client, caseworker, resident))
    assert [str(line["amount"]) for line in lines] == [line["amount"] for line in stored.lines]
    assert response.context["state"].decided
    assert "Vastgesteld" in response.content.decode()


def test_a_correction_shows_the_nabetaling_with_its_reason(client, caseworker, resident, resident_user):
    report, _effect = add_income(resident, caseworker)
    decide(resident, caseworker)
    money.correct_income_report(report, actor=caseworker, expected_version=report.version,
                                net_amount=Decimal("600.00"))
    _lines, response = _portal_lines(client, resident_user)
    html = response.content.decode()
    assert "Maart 2026 is opnieuw berekend." in html
    assert "Nabetaling: u krijgt nog €\u00a0142,50 van ons." in html
    assert "Inkomsten van maart 2026 gewijzigd" in html
    assert "Nabetaling (u krijgt nog geld)" in html


def test_a_month_after_the_current_one_is_not_shown(resident_client):
    response = resident_client.get(reverse("portal:money") + "?maand=2026-06")
    assert response.context["month"] == dt.date(2026, 4, 1)


# -- plan -------------------------------------------------------------------------------------------------------------


def _sign(client, plan, **data):
    page = client.get(reverse("portal:plan"))
    fields = {"fingerprint": page.context["fingerprint"], "agree": "yes", **data}
    return client.post(reverse("portal:plan_sign", args=[plan.version]), fields)


def test_resident_signs_the_plan_put_ready_in_the_portal_and_it_is_audited(resident_client, resident, caseworker,
                                                                           resident_user):
    plan = draft_plan(resident, caseworker)
    page = resident_client.get(reverse("portal:plan")).content.decode()
    assert "Nieuw plan om te tekenen (versie 1)" in page and "Taalcursus in het buurthuis" in page
    response = _sign(resident_client, plan)
    assert response.status_code == 302 and response["Location"] == reverse("portal:plan")
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.SIGNED and plan.signature_method == "portal"
    assert plan.signature_recorded_by == resident_user
    entry = AuditEntry.objects.get(action="update", object_type="guidance.ActionPlan")
    assert entry.detail == {"part": "signature", "method": "portal"} and entry.actor == resident_user
    html = resident_client.get(reverse("portal:plan")).content.decode()
    assert "U heeft het plan van aanpak ondertekend" in html and "ondertekend in het portaal" in html


def test_signing_needs_the_tick_that_the_resident_agrees(resident_client, resident, caseworker):
    plan = draft_plan(resident, caseworker)
    response = _sign(resident_client, plan, agree="")
    assert response.status_code == 400
    assert "Zet een vinkje" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DRAFT


def test_a_draft_changed_after_the_resident_read_it_is_not_signed(resident_client, resident, caseworker):
    from meedoen.guidance import services as guidance

    plan = draft_plan(resident, caseworker)
    fingerprint = resident_client.get(reverse("portal:plan")).context["fingerprint"]
    guidance.save_plan(resident, actor=caseworker, goals="Iets anders", capacity_hours_per_week=Decimal("20"),
                       review_on=plan.review_on, steps=[step("Werkervaring in de kringloopwinkel", "20", "work")],
                       draft=plan)
    response = resident_client.post(reverse("portal:plan_sign", args=[plan.version]),
                                    {"fingerprint": fingerprint, "agree": "yes"})
    assert response.status_code == 409 and "Het plan is veranderd" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DRAFT
    assert AuditEntry.objects.filter(action="conflict", resident_id=resident.pk).exists()


def test_a_draft_not_put_ready_for_the_portal_cannot_be_signed(resident_client, resident, caseworker):
    plan = draft_plan(resident, caseworker, ready=False)
    html = resident_client.get(reverse("portal:plan")).content.decode()
    assert "Plan ondertekenen" not in html and "maakt een nieuwe versie" in html
    response = resident_client.post(reverse("portal:plan_sign", args=[plan.version]), {"agree": "yes"})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DRAFT


def test_a_resident_cannot_sign_someone_elses_plan(resident_client, resident, other_resident, caseworker):
    theirs = draft_plan(other_resident, caseworker)
    response = resident_client.post(reverse("portal:plan_sign", args=[theirs.version]),
                                    {"agree": "yes", "fingerprint": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ActionPlan.Status.DRAFT
    assert AuditEntry.objects.filter(action="denied", resident_id=resident.pk,
                                     detail__part="portal plan signature").exists()


def test_signing_is_a_post_with_csrf(client, resident_user, resident, caseworker):
    from django.test import Client

    plan = draft_plan(resident, caseworker)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(resident_user)
    assert strict.post(reverse("portal:plan_sign", args=[plan.version]), {"agree": "yes"}).status_code == 403
    assert strict.get(reverse("portal:plan_sign", args=[plan.version])).status_code == 405


def test_plan_history_shows_the_earlier_signed_version(resident_client, resident, caseworker):
    signed_plan(resident, caseworker)
    revision = draft_plan(resident, caseworker, goals="Betaald werk vinden.")
    _sign(resident_client, revision)
    html = resident_client.get(reverse("portal:plan")).content.decode()
    assert "Eerdere versies" in html and "Versie 1: getekend op" in html
    assert "Betaald werk vinden." in html


# -- obligations ------------------------------------------------------------------------------------------------------


def test_obligations_show_the_exemption_and_the_measure_with_its_objection_deadline(
        resident_client, resident, caseworker, team_lead):
    today = dt.date(2026, 4, 20)
    Exemption.objects.create(resident=resident, kind="social_medical", covers=["work", "reciprocity"],
                             grounds="Medisch advies", starts_on=today - dt.timedelta(days=10),
                             ends_on=today + dt.timedelta(days=100), review_on=today + dt.timedelta(days=90),
                             granted_by=caseworker)
    Measure.objects.create(
        resident=resident, status="decided", breached_obligation="appointments", facts="Niet gekomen.",
        occurred_on=today - dt.timedelta(days=30), blame="full", blame_note="Geen reden gegeven.",
        proposed_by=caseworker, proposed_on=today - dt.timedelta(days=20), outcome="measure",
        percentage=Decimal("30"), months=1, starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 31),
        decided_by=team_lead, decided_on=today - dt.timedelta(days=2),
        objection_deadline=today - dt.timedelta(days=2) + dt.timedelta(weeks=6))
    html = resident_client.get(reverse("portal:obligations")).content.decode()
    assert "Sociale of medische redenen" in html and "Geldt nu" in html and "Werk zoeken" in html
    assert "Uw bijstand is 30 % lager" in html
    assert "U kunt bezwaar maken tot en met 30 mei 2026." in html
    assert "Zo maakt u bezwaar" in html and "Medisch advies" not in html


# -- query counts -----------------------------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["portal:overview", "portal:letters", "portal:money", "portal:plan",
                                  "portal:appointments", "portal:obligations"])
def test_page_queries_do_not_grow_with_letters_decided_months_corrections_and_plans(
        client, resident, resident_user, caseworker, municipality, neighbourhood, name):
    """One resident with 1 letter, 1 decided month and 1 plan; another with 31 letters, 3 decided months (one
    corrected), and 3 plan versions. Both have the current month (April) undecided: the money app computes each
    undecided month on demand, the same for the caseworker's tab, so that part is kept equal."""
    few = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, benefit_start_date=MARCH)
    assign_caseworker(few, caseworker, actor=caseworker, reason="Eerste toewijzing")
    few_user = UserFactory(username="inwoner-weinig", municipality=municipality, team=None, role=Role.RESIDENT,
                           resident=few)
    make_letters(few, 1)
    add_income(few, caseworker)
    decide(few, caseworker)
    signed_plan(few, caseworker)

    make_letters(resident, 31)
    first, _effect = add_income(resident, caseworker, month=dt.date(2026, 1, 1))
    for month in (2, 3):
        add_income(resident, caseworker, month=dt.date(2026, month, 1))
    decide(resident, caseworker)
    money.correct_income_report(first, actor=caseworker, expected_version=first.version,
                                net_amount=Decimal("500.00"))
    signed_plan(resident, caseworker)
    client.force_login(resident_user)
    _sign(client, draft_plan(resident, caseworker, goals="Tweede versie."))
    draft_plan(resident, caseworker, goals="Derde versie.")

    url = reverse(name)
    counts = []
    for user in (few_user, resident_user):
        client.force_login(user)
        client.get(url)  # warm caches (policy profile, norms) as any earlier request would
        counts.append(_queries(client, url))
    assert counts[1] == counts[0]


# -- appointments -----------------------------------------------------------------------------------------------------


@pytest.fixture
def invited(caseworker, resident, municipality, neighbourhood):
    """The resident is invited by a real campaign (letter with a personal link) with free times next week."""
    from meedoen.outreach import services as outreach
    from meedoen.tests.factories import VenueFactory

    venue = VenueFactory(municipality=municipality, neighbourhood=neighbourhood, name="Huis van de Wijk Feijenoord",
                         address="Oranjeboomstraat 1, 3071 AA Rotterdam")
    profile = outreach.active_profile(municipality)
    campaign = outreach.create_campaign(caseworker, name="Campagne Feijenoord",
                                        appointment_kind=outreach.kinds_for(profile)[0].code,
                                        resident_ids=[resident.public_id])
    starts = dt.datetime(2026, 4, 27, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    outreach.add_slots(caseworker, campaign, caseworker=caseworker, starts_at=starts, minutes=30, capacity=1,
                       venue=venue, count=3)
    outreach.send_campaign(campaign, caseworker)
    return campaign


def test_an_open_invitation_leads_to_the_booking_page_and_the_booked_appointment_shows(
        resident_client, resident, invited):
    from meedoen.outreach.models import Invitation

    page = resident_client.get(reverse("portal:appointments")).content.decode()
    assert "U bent uitgenodigd" in page and "Kies een dag en tijd" in page
    invitation = Invitation.objects.get(outreach__resident=resident)
    response = resident_client.post(reverse("portal:choose_time", args=[invitation.pk]))
    assert response.status_code == 302 and "/uitnodigingen/afspraak/" in response["Location"]
    booking = resident_client.get(response["Location"])
    assert booking.status_code == 200
    slot = invited.slots.order_by("starts_at").first()
    assert resident_client.post(response["Location"], {"slot": slot.pk}).status_code == 302

    overview = resident_client.get(reverse("portal:overview")).content.decode()
    assert "maandag 27 april 2026, 10.00 uur" in overview and "Huis van de Wijk Feijenoord" in overview
    assert "Ja, u moet komen." in overview  # Rotterdam: attendance is obligatory
    page = resident_client.get(reverse("portal:appointments")).content.decode()
    assert "Kies een dag en tijd" not in page and "Oranjeboomstraat 1" in page


def test_someone_elses_invitation_gives_no_booking_link(client, other_resident, invited, resident):
    from meedoen.outreach.models import BookingLink, Invitation

    other_user = UserFactory(username="ander", municipality=other_resident.municipality, team=None,
                             role=Role.RESIDENT, resident=other_resident)
    client.force_login(other_user)
    invitation = Invitation.objects.get(outreach__resident=resident)
    links = BookingLink.objects.count()
    response = client.post(reverse("portal:choose_time", args=[invitation.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:appointments")
    assert BookingLink.objects.count() == links
    assert AuditEntry.objects.filter(action="denied", resident_id=other_resident.pk,
                                     detail__part="portal booking").exists()


def test_the_invitation_letter_is_in_my_letters(resident_client, resident, invited):
    html = resident_client.get(reverse("portal:letters")).content.decode()
    assert "Uitnodiging" in html


def test_overview_links_to_my_questionnaires_and_works_without_them(resident_client, monkeypatch):
    from meedoen.portal import views

    html = resident_client.get(reverse("portal:overview")).content.decode()
    assert f'href="{reverse("experiments:mine")}"' in html
    monkeypatch.setattr(views, "QUESTIONNAIRE_URL_NAMES", ("experiments:does_not_exist",))
    response = resident_client.get(reverse("portal:overview"))
    assert response.status_code == 200 and "Mijn vragenlijsten" not in response.content.decode()
