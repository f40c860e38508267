"""issue_letter: what is in the letter and its PDF, idempotency, bad input, tone and template choice."""
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meedoen.letters import pdf as letter_pdf
from meedoen.letters import services
from meedoen.letters.defaults import load_default_templates, shipped_templates
from meedoen.letters.models import Letter, LetterKind, LetterTemplate
from meedoen.residents.models import DossierEvent

from .helpers import TODAY, appointment_context, aware, pdf_text, squeezed

pytestmark = pytest.mark.django_db

BOOKING_URL = "https://meedoen.example.nl/uitnodigingen/afspraak/k3x9q2/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(aware(TODAY), tick=False):
        yield


def test_registered_letter_pdf_shows_name_address_appointment_venue_and_registered_mark(resident, caseworker):
    letter = services.issue_letter(resident, LetterKind.REGISTERED_LETTER, step_key="outreach:1:registered",
                                   actor=caseworker, context=appointment_context())
    text = pdf_text(letter.pdf)
    assert "Fatima Jansen" in text
    assert "Dorpsstraat 12" in text and "3011 AA ROTTERDAM" in text
    assert "dinsdag 10 maart 2026" in text and "10.30 uur" in text
    assert "Huis van de Wijk De Put" in text and "Putsebocht 10, 3073 HG Rotterdam" in text
    assert "dinsdag 24 februari 2026" in text  # the missed appointment
    assert "2 maart 2026" in text  # the letter's date
    assert "AANGETEKEND" in squeezed(text)
    assert caseworker.get_full_name() in text
    assert "Gemeente Rotterdam-Test" in text
    assert letter.registered and letter.kind == "registered_letter"
    assert letter.template.tone == "obligating" and letter.template_version == letter.template.version == 1


def test_a_letter_not_registered_has_no_registered_mark(resident):
    letter = services.issue_letter(resident, "convocation", step_key="c1", context=appointment_context())
    assert not letter.registered
    assert "AANGETEKEND" not in squeezed(pdf_text(letter.pdf))


def test_any_kind_can_be_sent_registered(resident):
    letter = services.issue_letter(resident, "no_show_action", step_key="n1", registered=True,
                                   context={"measure_text": "wij verlagen uw uitkering gedurende 1 maand"})
    text = pdf_text(letter.pdf)
    assert letter.registered and "AANGETEKEND" in squeezed(text)
    assert "wij verlagen uw uitkering gedurende 1 maand" in text


def test_invitation_shows_booking_link_qr_code_and_expiry(resident):
    letter = services.issue_letter(resident, "invitation", step_key="i1",
                                   context={"booking_url": BOOKING_URL, "expires_on": dt.date(2026, 3, 16)})
    text = pdf_text(letter.pdf)
    assert BOOKING_URL in squeezed(text)
    assert "maandag 16 maart 2026" in text
    assert 'src="data:image/svg+xml' in letter.document_html  # the QR code, inline
    assert 'alt="QR-code' in letter.document_html


def test_no_qr_code_without_booking_link(resident):
    letter = services.issue_letter(resident, "convocation", step_key="c1", context=appointment_context())
    assert "data:image/svg+xml" not in letter.document_html


def test_same_step_twice_makes_one_letter_and_one_timeline_line(resident, caseworker):
    first = services.issue_letter(resident, "invitation", step_key="outreach:7:0", actor=caseworker,
                                  context={"booking_url": BOOKING_URL})
    second = services.issue_letter(resident, "invitation", step_key="outreach:7:0", actor=caseworker,
                                   context={"booking_url": BOOKING_URL + "other/"})
    assert second.pk == first.pk
    assert Letter.objects.filter(resident=resident).count() == 1
    assert DossierEvent.objects.filter(resident=resident, kind=DossierEvent.Kind.LETTER).count() == 1


def test_a_concurrent_run_of_the_same_step_returns_the_letter_the_other_made(resident, monkeypatch):
    """The other worker inserts between our check and our insert: the unique constraint decides, no error."""
    real_render = letter_pdf.render
    calls = []

    def render_while_another_worker_runs(html):
        if not calls:
            calls.append("other")
            services.issue_letter(resident, "reminder", step_key="race")  # the other worker
        return real_render(html)

    monkeypatch.setattr(letter_pdf, "render", render_while_another_worker_runs)
    letter = services.issue_letter(resident, "reminder", step_key="race")
    assert Letter.objects.filter(resident=resident, step_key="race").count() == 1
    assert letter.pk == Letter.objects.get(resident=resident, step_key="race").pk
    assert DossierEvent.objects.filter(resident=resident, kind=DossierEvent.Kind.LETTER).count() == 1


def test_different_steps_make_different_letters(resident):
    services.issue_letter(resident, "invitation", step_key="a", context={"booking_url": BOOKING_URL})
    services.issue_letter(resident, "reminder", step_key="b", context={"booking_url": BOOKING_URL})
    assert resident.letters.count() == 2


@pytest.mark.parametrize("field", ["street", "house_number", "postcode", "city"])
def test_no_complete_address_is_a_clear_error_and_nothing_is_saved(resident, caseworker, field):
    setattr(resident, field, "  " if field == "city" else "")
    resident.save()
    letters, events = Letter.objects.count(), DossierEvent.objects.filter(resident=resident).count()
    with pytest.raises(ValidationError) as error:
        services.issue_letter(resident, "registered_letter", step_key="x", actor=caseworker,
                              context=appointment_context())
    assert "geen volledig adres" in error.value.messages[0]
    assert error.value.code == "no_address"
    assert Letter.objects.count() == letters
    assert DossierEvent.objects.filter(resident=resident).count() == events


def test_a_step_key_is_required(resident):
    with pytest.raises(ValueError):
        services.issue_letter(resident, "reminder", step_key="")


def test_letter_writes_a_timeline_event_with_the_profile_version(resident, caseworker):
    letter = services.issue_letter(resident, "registered_letter", step_key="s", actor=caseworker,
                                   context=appointment_context())
    event = DossierEvent.objects.filter(resident=resident, kind=DossierEvent.Kind.LETTER).get()
    assert event.actor == caseworker and event.policy_profile == letter.policy_profile
    assert letter.policy_profile.key == "rotterdam"
    assert letter.subject in event.summary


def test_letter_stores_its_template_version_html_and_pdf(resident, caseworker):
    letter = services.issue_letter(resident, "invitation", step_key="s", actor=caseworker, campaign_ref="R-2026-03",
                                   context={"booking_url": BOOKING_URL})
    letter.refresh_from_db()
    assert bytes(letter.pdf).startswith(b"%PDF")
    assert letter.page_count >= 1
    assert letter.body_html in letter.document_html
    assert letter.created_by == caseworker and letter.campaign_ref == "R-2026-03"
    assert letter.reference.startswith("BR-20260302-")


# --- template versions ---------------------------------------------------------------------------------------------

def test_editing_a_template_makes_a_new_version_and_old_letters_keep_theirs(resident, caseworker):
    old = services.issue_letter(resident, "reminder", step_key="r1", context={"booking_url": BOOKING_URL})
    v1 = old.template
    old_html, old_pdf = old.document_html, bytes(old.pdf)

    v2 = services.revise_template(v1, subject=v1.subject, body=v1.body.replace(
        "<p>Beste {{ resident.full_name }},</p>", "<p>Beste {{ resident.full_name }},</p><p>Nieuwe zin in versie 2.</p>"
    ), actor=caseworker)
    assert v2.version == 2 and v2.is_active and v2.based_on == v1
    v1.refresh_from_db()
    assert not v1.is_active

    old.refresh_from_db()
    assert old.template_id == v1.pk and old.template_version == 1
    assert old.document_html == old_html and bytes(old.pdf) == old_pdf
    assert "Nieuwe zin" not in pdf_text(old.pdf)

    new = services.issue_letter(resident, "reminder", step_key="r2", context={"booking_url": BOOKING_URL})
    assert new.template_id == v2.pk and new.template_version == 2
    assert "Nieuwe zin in versie 2." in pdf_text(new.pdf)


def test_saving_an_unchanged_template_makes_no_new_version(resident):
    template = LetterTemplate.objects.active().get(kind="reminder", tone="neutral")
    assert services.revise_template(template, subject=template.subject, body=template.body) == template


def test_a_template_with_broken_template_language_is_refused():
    template = LetterTemplate.objects.active().get(kind="reminder", tone="neutral")
    with pytest.raises(ValidationError):
        services.revise_template(template, subject=template.subject, body="{% if %}kapot")
    assert LetterTemplate.objects.active().get(kind="reminder", tone="neutral") == template


def test_loading_the_default_templates_again_changes_nothing():
    shipped = list(shipped_templates())
    assert len(shipped) == len(LetterKind.values) * 3
    before = LetterTemplate.objects.count()
    assert load_default_templates() == 0
    assert LetterTemplate.objects.count() == before == len(shipped)


def test_an_updated_shipped_text_replaces_only_unedited_defaults(caseworker, monkeypatch):
    edited = LetterTemplate.objects.active().get(kind="reminder", tone="neutral")
    services.revise_template(edited, subject="Eigen tekst", body="<p>Eigen</p>", actor=caseworker)
    import meedoen.letters.defaults as defaults

    real = list(defaults.shipped_templates())
    monkeypatch.setattr(defaults, "shipped_templates",
                        lambda: [(k, t, p, s, b + "<p>nieuw</p>\n") for k, t, p, s, b in real])
    made = load_default_templates()
    assert made == len(real) - 1  # everything but the municipality's own edit
    assert LetterTemplate.objects.active().get(kind="reminder", tone="neutral").subject == "Eigen tekst"
    assert LetterTemplate.objects.active().get(kind="reminder", tone="obligating").version == 2


# --- tone and template choice --------------------------------------------------------------------------------------

def test_rotterdam_obligating_letter_speaks_of_obligations_and_consequences(resident):
    letter = services.issue_letter(resident, "invitation", step_key="i", context={"booking_url": BOOKING_URL})
    text = pdf_text(letter.pdf)
    assert letter.template.tone == "obligating"
    assert "verplicht" in text and "maatregel" in text


def test_amsterdam_inviting_letter_never_threatens(resident, municipality):
    municipality.policy_key = "amsterdam"
    municipality.save()
    letter = services.issue_letter(resident, "invitation", step_key="i",
                                   context={"booking_url": BOOKING_URL, "obligatory": True,
                                            "consequences": "Dan verlagen wij uw uitkering."})
    text = pdf_text(letter.pdf).lower()
    assert letter.template.tone == "inviting" and letter.policy_profile.key == "amsterdam"
    assert "graag" in text
    for threat in ("maatregel", "verlagen", "verplicht", "gevolgen"):
        assert threat not in text


# A beschikking about a measure must state the measure and its legal basis, whatever the tone (Awb 3:46, 3:47):
# it is a decision, not a threat, so it is left out of the no-threat check (obligations/tests check its content).
DECISION_KINDS = {LetterKind.MEASURE_DECISION}


@pytest.mark.parametrize("kind", [kind for kind in LetterKind.values if kind not in DECISION_KINDS])
def test_no_inviting_template_threatens(resident, municipality, kind):
    municipality.policy_key = "amsterdam"
    municipality.save()
    context = appointment_context(booking_url=BOOKING_URL, obligatory=True, consequences="Dan verlagen wij alles.",
                                  measure_text="wij verlagen uw uitkering", plan_goals=["Vrijwilligerswerk"])
    letter = services.issue_letter(resident, kind, step_key=kind, context=context)
    text = (letter.subject + " " + letter.body_html).lower()
    for threat in ("maatregel", "verlagen", "verplicht", "gevolgen"):
        assert threat not in text, (kind, threat)


def test_friendly_checkin_in_amsterdam_uses_the_amsterdam_line(resident, municipality):
    municipality.policy_key = "amsterdam"
    municipality.save()
    letter = services.issue_letter(resident, "friendly_checkin", step_key="f")
    assert letter.subject == "De gemeente wil graag weten hoe het met u gaat"


def test_a_profile_own_template_wins_over_the_tone_default(resident):
    own = LetterTemplate.objects.create(kind="reminder", profile_key="rotterdam", subject="Rotterdamse herinnering",
                                        body="<p>Beste {{ resident.full_name }}, dit is de Rotterdamse tekst.</p>")
    letter = services.issue_letter(resident, "reminder", step_key="r")
    assert letter.template == own and letter.subject == "Rotterdamse herinnering"


def test_without_a_template_for_the_tone_the_neutral_default_is_used(resident):
    LetterTemplate.objects.filter(kind="reminder", tone="obligating").update(is_active=False)
    letter = services.issue_letter(resident, "reminder", step_key="r")
    assert letter.template.tone == "neutral"


def test_an_explicit_policy_profile_is_used(resident):
    from meedoen.policy.models import PolicyProfile

    utrecht = PolicyProfile.objects.approved().filter(key="utrecht").first()
    letter = services.issue_letter(resident, "contact_day", step_key="u", policy_profile=utrecht,
                                   context=appointment_context())
    assert letter.policy_profile == utrecht and letter.template.tone == "neutral"
    assert "wijkcontactdag" in pdf_text(letter.pdf)


@pytest.mark.parametrize("tone_key", ["rotterdam", "utrecht", "amsterdam"])
@pytest.mark.parametrize("kind", LetterKind.values)
def test_every_kind_renders_in_every_tone(resident, municipality, kind, tone_key):
    municipality.policy_key = tone_key
    municipality.save()
    context = appointment_context(
        booking_url=BOOKING_URL, expires_on=dt.date(2026, 3, 16), measure_text="wij verlagen uw uitkering",
        plan_goals=["Vrijwilligerswerk bij de voedselbank"],
        plan_activities=[{"name": "Vrijwilligerswerk", "hours_per_week": 8}], review_on=dt.date(2026, 6, 1),
        end_reason="u heeft werk gevonden",
    )
    letter = services.issue_letter(resident, kind, step_key=kind, context=context)
    text = pdf_text(letter.pdf)
    assert "Fatima Jansen" in text and letter.subject.split()[0] in text
    assert "{{" not in letter.body_html and "{%" not in letter.body_html
    assert letter.page_count <= 2


# --- privacy ------------------------------------------------------------------------------------------------------

def test_the_bsn_never_appears_in_a_letter(resident):
    letter = services.issue_letter(resident, "registered_letter", step_key="s", context=appointment_context())
    for content in (letter.subject, letter.body_html, letter.document_html, pdf_text(letter.pdf), letter.filename):
        assert resident.bsn not in content and resident.bsn not in squeezed(content)
    assert resident.bsn.encode() not in bytes(letter.pdf)
    assert letter.filename == f"brief-{letter.pk}.pdf"


def test_an_edited_template_cannot_reach_the_bsn(resident):
    LetterTemplate.objects.create(kind="reminder", profile_key="rotterdam", subject="{{ resident.bsn }}x",
                                  body="<p>{{ resident.bsn }} {{ resident.full_name }}</p>")
    letter = services.issue_letter(resident, "reminder", step_key="r")
    assert resident.bsn not in letter.document_html and letter.subject == "x"


def test_dutch_dates_and_times():
    assert services.dutch_date(dt.date(2026, 3, 10)) == "dinsdag 10 maart 2026"
    assert services.dutch_date(dt.date(2026, 3, 10), with_weekday=False) == "10 maart 2026"
    assert services.dutch_time(dt.time(9, 5)) == "09.05 uur"
    assert services.format_postcode("3011aa") == "3011 AA"
