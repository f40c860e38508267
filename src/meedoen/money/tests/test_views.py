"""The "Inkomsten en uitkering" tab: access, audit, entering income, deciding, correcting with the difference shown,
the household facts; bad input shows the Dutch error next to the field and changes nothing."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.money import services
from meedoen.money.models import Housemate, IncomeReport, MonthlyCalculation, PaymentCorrection
from meedoen.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


def tab(resident, month="2026-03", **params):
    query = "&".join([f"maand={month}"] + [f"{k}={v}" for k, v in params.items()])
    return reverse("money:resident", args=[resident.public_id]) + "?" + query


def post_report(client, resident, **fields):
    data = {"month": "2026-03", "kind": "wage_monthly", "net_amount": "800,00", "employer": "Bakkerij",
            "source": "payslip", "serves_work": "on"}
    data.update(fields)
    return client.post(reverse("money:add_report", args=[resident.public_id]), data)


def test_the_tab_is_listed_in_the_dossier(caseworker_client, resident):
    response = caseworker_client.get(reverse("residents:dossier", args=[resident.public_id]))
    assert reverse("money:resident", args=[resident.public_id]) in response.content.decode()


def test_caseworker_sees_the_month_line_by_line_and_the_view_is_audited(caseworker_client, resident):
    response = caseworker_client.get(tab(resident))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Berekening maart 2026" in html
    assert "Bijstandsnorm" in html and "Participatiewet art. 21 onder a" in html
    assert "1.401,50" in html and "1.331,42" in html
    entry = AuditEntry.objects.filter(resident_id=resident.pk, action="view").latest("occurred_at")
    assert entry.detail == {"part": "money", "month": "2026-03", "version": None}


def test_without_a_month_the_current_month_is_shown(caseworker_client, resident):
    html = caseworker_client.get(reverse("money:resident", args=[resident.public_id])).content.decode()
    assert "Berekening april 2026" in html


def test_outside_caseworker_gets_403_and_is_audited(client, outside_caseworker, resident):
    client.force_login(outside_caseworker)
    assert client.get(tab(resident)).status_code == 403
    assert AuditEntry.objects.filter(resident_id=resident.pk, action="denied").exists()


def test_the_wijkteam_never_sees_income(client, resident, municipality, neighbourhood):
    worker = UserFactory(username="wijk", municipality=municipality, team=None, role=Role.NEIGHBOURHOOD_WORKER,
                         neighbourhood=neighbourhood)
    client.force_login(worker)
    assert client.get(tab(resident)).status_code in (403, 404)


def test_entering_income_shows_the_recalculated_month(caseworker_client, resident):
    response = post_report(caseworker_client, resident)
    assert response.status_code == 302 and response["Location"] == tab(resident)
    html = caseworker_client.get(response["Location"]).content.decode()
    assert "De inkomsten zijn opgeslagen." in html
    assert "Vrijlating" in html and "25\u00a0% van het loon mag u houden" in html
    assert "761,42" in html
    report = IncomeReport.objects.get()
    assert report.net_amount == Decimal("800.00") and report.entered_by.username == "klantmanager"
    assert AuditEntry.objects.filter(action="create", object_type="money.IncomeReport").exists()


@pytest.mark.parametrize("fields, field_error", [
    ({"net_amount": "-10"}, "niet negatief"),
    ({"month": "2015-01"}, "De bijstand begon op 1 maart 2015"),
    ({"month": "maart"}, "bijvoorbeeld 2026-03"),
])
def test_bad_input_shows_the_error_and_saves_nothing(caseworker_client, resident, fields, field_error):
    response = post_report(caseworker_client, resident, **fields)
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not IncomeReport.objects.exists()


def test_deciding_then_correcting_shows_the_difference(caseworker_client, resident, caseworker):
    post_report(caseworker_client, resident)
    state = services.month_state(resident, MARCH)
    response = caseworker_client.post(reverse("money:decide", args=[resident.public_id]),
                                      {"month": "2026-03", "fingerprint": state.fingerprint})
    assert response.status_code == 302
    html = caseworker_client.get(tab(resident)).content.decode()
    assert "Maart 2026 is vastgesteld." in html and "Vastgesteld" in html
    report = IncomeReport.objects.get()
    page = caseworker_client.get(reverse("money:correct_report", args=[report.pk]))
    assert page.status_code == 200 and "800,00" in page.content.decode()
    response = caseworker_client.post(reverse("money:correct_report", args=[report.pk]), {
        "kind": "wage_monthly", "net_amount": "600", "employer": "Bakkerij", "source": "payslip",
        "serves_work": "on", "version": "1"})
    assert response.status_code == 302
    html = caseworker_client.get(response["Location"]).content.decode()
    assert "Nabetaling: €\u00a0142,50 is te weinig betaald." in html
    assert "Eerst: €\u00a0761,42. Nu: €\u00a0903,92." in html
    assert "versie 1 (Vervangen door herberekening)" in html
    correction = PaymentCorrection.objects.select_related("letter").get()
    assert correction.kind == "underpayment"
    # The beschikking is made and linked from the table of differences.
    assert "De beschikking (brief" in html and correction.letter.reference in html
    assert reverse("letters:detail", args=[correction.letter.pk]) in html
    old = caseworker_client.get(tab(resident, versie=1)).content.decode()
    assert "U bekijkt versie 1" in old and "761,42" in old


def test_a_stale_correction_is_refused_with_409(caseworker_client, resident, caseworker):
    report, _effect = services.add_income_report(resident, actor=caseworker, month=MARCH, kind="wage_monthly",
                                                 net_amount=Decimal("800"), source="payslip")
    IncomeReport.objects.filter(pk=report.pk).update(version=5)
    response = caseworker_client.post(reverse("money:correct_report", args=[report.pk]), {
        "kind": "wage_monthly", "net_amount": "600", "source": "payslip", "version": "1"})
    assert response.status_code == 409
    assert IncomeReport.objects.count() == 1


def test_deciding_a_changed_month_is_refused(caseworker_client, resident):
    response = caseworker_client.post(reverse("money:decide", args=[resident.public_id]),
                                      {"month": "2026-03", "fingerprint": "0" * 64})
    assert response.status_code == 302
    assert not MonthlyCalculation.objects.exists()


def test_household_page_adds_a_housemate_and_the_norm_changes(caseworker_client, resident):
    url = reverse("money:household", args=[resident.public_id])
    assert caseworker_client.get(url).status_code == 200
    response = caseworker_client.post(reverse("money:add_housemate", args=[resident.public_id]), {
        "description": "zoon", "date_of_birth": "1999-04-16", "exception": "none"})
    assert response.status_code == 302
    assert Housemate.objects.get().description == "zoon"
    html = caseworker_client.get(tab(resident, month="2026-04")).content.decode()
    assert "Kostendelersnorm" in html and "16 april tot en met 30 april" in html
    housemate = Housemate.objects.get()
    caseworker_client.post(reverse("money:end_housemate", args=[housemate.pk]), {"moved_out_on": "2026-05-01"})
    housemate.refresh_from_db()
    assert housemate.moved_out_on == dt.date(2026, 5, 1)
    caseworker_client.post(reverse("money:remove_housemate", args=[housemate.pk]))
    assert not Housemate.objects.exists()


def test_a_partner_birth_date_for_a_single_resident_shows_the_error(caseworker_client, resident):
    response = caseworker_client.post(reverse("money:household", args=[resident.public_id]), {
        "partner_date_of_birth": "1970-01-01", "version": "1"})
    assert response.status_code == 400 and "geen partner" in response.content.decode()


def test_a_month_without_norms_says_so(caseworker_client, resident):
    html = caseworker_client.get(tab(resident, month="2026-08")).content.decode()
    assert "Er zijn geen bijstandsnormen geladen voor augustus 2026" in html


def test_the_tab_query_count_does_not_grow_with_the_reports(caseworker_client, resident, caseworker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caseworker_client.get(tab(resident))       # warm-up: first-request caches (session, profile)
    counts = []
    for rows in (1, 10, 50):
        IncomeReport.objects.all().delete()
        IncomeReport.objects.bulk_create([IncomeReport(resident=resident, month=dt.date(2026, 1 + i % 4, 1),
                                                       kind="other", net_amount=Decimal("10"),
                                                       entered_by=caseworker) for i in range(rows)])
        with CaptureQueriesContext(connection) as queries:
            assert caseworker_client.get(tab(resident)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts
