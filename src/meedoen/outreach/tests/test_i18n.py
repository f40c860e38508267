"""Outreach messages go through Django i18n: each is looked up by a constant Dutch msgid and filled in afterwards, so
a translation is found whatever the names, numbers, dates and links in it (and plurals get a proper form)."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from meedoen.outreach import services
from meedoen.outreach.models import Outreach
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import ResidentFactory
from meedoen.tests.i18n import english_catalogue, f_strings_in

from .helpers import add_slots, at, make_campaign

pytestmark = pytest.mark.django_db

CLASH = ("{caseworker} heeft op dat moment al een tijdslot ({slot}). Een medewerker kan niet op twee plaatsen "
         "tegelijk zijn.")
STUCK = ("Bij {count} persoon is een actie van een medewerker nodig.",
         "Bij {count} personen is een actie van een medewerker nodig.")
NOT_SENT = ("{count} uitnodiging kon niet worden verstuurd (geen adres en geen e-mail of sms).",
            "{count} uitnodigingen konden niet worden verstuurd (geen adres en geen e-mail of sms).")
INVITATION = ("Beste {first_name},\n\nDe gemeente {municipality} nodigt u uit voor een {kind}. "
              "Kies zelf een dag en tijd via uw persoonlijke link: {url}\n"
              "De link werkt tot en met {expires_on}.{obligatory}\n\n"
              "Lukt het niet? Neem dan contact met ons op.")


def test_outreach_messages_have_no_f_strings():
    assert f_strings_in(services.add_slots, services.campaign_alerts, services._invitation_body,
                        services._confirm_digitally, services._appointment_texts, services._not_sent_note) == []


def test_a_slot_clash_is_translated_from_a_constant_msgid_and_filled_in_afterwards(clock, caseworker, resident,
                                                                                   venue):
    campaign = make_campaign(caseworker, [resident])
    add_slots(caseworker, campaign, venue, day=7, count=1)  # 10:00-10:30

    def clash():
        with pytest.raises(ValidationError) as error:
            services.add_slots(caseworker, campaign, caseworker=caseworker, starts_at=at(7, 10, 15), minutes=30,
                               venue=venue)
        return error.value.message_dict["starts_at"][0]

    with translation.override("nl"):
        assert clash() == (f"{caseworker} heeft op dat moment al een tijdslot (09-03-2026 10:00 Huis van de Wijk "
                           f"Feijenoord). Een medewerker kan niet op twee plaatsen tegelijk zijn.")
    with english_catalogue({CLASH: "{caseworker} already has a time slot then ({slot}).", "huisbezoek": "home visit"}):
        assert clash() == f"{caseworker} already has a time slot then (09-03-2026 10:00 Huis van de Wijk Feijenoord)."


def test_campaign_alerts_use_real_plurals_from_constant_msgids(clock, caseworker, municipality, neighbourhood):
    residents = [ResidentFactory(municipality=municipality, neighbourhood=neighbourhood) for _ in range(3)]
    for resident in residents:
        assign_caseworker(resident, caseworker, actor=caseworker, reason="Eerste toewijzing")
    campaign = make_campaign(caseworker, residents)
    outreaches = list(Outreach.objects.filter(campaign=campaign).order_by("pk"))
    Outreach.objects.filter(pk=outreaches[0].pk).update(status=Outreach.Status.STAFF_ACTION)
    Outreach.objects.filter(pk=outreaches[1].pk).update(staff_note="Niet verstuurd: geen adres")
    Outreach.objects.filter(pk=outreaches[2].pk).update(staff_note="Niet verstuurd: geen adres")

    def texts():
        return [alert.text for alert in services.campaign_alerts(campaign)]

    with translation.override("nl"):
        assert texts() == ["Bij 1 persoon is een actie van een medewerker nodig.",
                           "2 uitnodigingen konden niet worden verstuurd (geen adres en geen e-mail of sms)."]
    english = {(STUCK[0], 0): "{count} person needs action from staff.",
               (STUCK[0], 1): "{count} people need action from staff.",
               (NOT_SENT[0], 0): "{count} invitation could not be sent.",
               (NOT_SENT[0], 1): "{count} invitations could not be sent."}
    with english_catalogue(english):
        assert texts() == ["1 person needs action from staff.", "2 invitations could not be sent."]
    Outreach.objects.filter(pk=outreaches[1].pk).update(status=Outreach.Status.STAFF_ACTION, staff_note="")
    with translation.override("nl"):
        assert texts() == ["Bij 2 personen is een actie van een medewerker nodig.",
                           "1 uitnodiging kon niet worden verstuurd (geen adres en geen e-mail of sms)."]
    with english_catalogue(english):
        assert texts() == ["2 people need action from staff.", "1 invitation could not be sent."]


def test_invitation_body_is_one_message_with_the_obligatory_sentence_filled_in():
    args = dict(first_name="Fatima", municipality="Rotterdam", kind="kennismakingsgesprek",
                url="https://meedoen.example/b/abc/", expires_on=dt.date(2026, 6, 12))
    with translation.override("nl"):
        assert services._invitation_body(**args, obligatory=True) == (
            "Beste Fatima,\n\nDe gemeente Rotterdam nodigt u uit voor een kennismakingsgesprek. Kies zelf een dag en "
            "tijd via uw persoonlijke link: https://meedoen.example/b/abc/\nDe link werkt tot en met 12 juni 2026. "
            "Het is verplicht om te komen.\n\nLukt het niet? Neem dan contact met ons op.")
    with english_catalogue({
        INVITATION: ("Dear {first_name},\n\n{municipality} invites you to a {kind}. Choose a day and time with your "
                     "personal link: {url}\nThe link works until {expires_on}.{obligatory}\n\nCan't make it? Please "
                     "contact us."),
        "Het is verplicht om te komen.": "You must attend.",
    }):
        assert services._invitation_body(**args, obligatory=True) == (
            "Dear Fatima,\n\nRotterdam invites you to a kennismakingsgesprek. Choose a day and time with your "
            "personal link: https://meedoen.example/b/abc/\nThe link works until 12 juni 2026. You must attend.\n\n"
            "Can't make it? Please contact us.")
        assert "You must attend." not in services._invitation_body(**args, obligatory=False)
