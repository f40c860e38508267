"""Letter screens: access by relation, audit, PDF download, the dossier partial, batch printing and the admin."""
import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.template import Context, Template
from django.urls import reverse

from meedoen.accounts.models import Role
from meedoen.audit.models import AuditEntry
from meedoen.letters import services
from meedoen.letters.models import Letter, LetterTemplate
from meedoen.letters.pdf import batch_pdf
from meedoen.residents.services import assign_caseworker
from meedoen.tests.factories import ResidentFactory, UserFactory

from .helpers import appointment_context, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(resident, caseworker):
    return services.issue_letter(resident, "registered_letter", step_key="s1", actor=caseworker,
                                 context=appointment_context(), campaign_ref="R-1")


def make_resident(municipality, neighbourhood, caseworker, first_name, last_name):
    resident = ResidentFactory(municipality=municipality, neighbourhood=neighbourhood, first_name=first_name,
                               last_name=last_name)
    assign_caseworker(resident, caseworker, actor=caseworker)
    return resident


def test_caseworker_sees_the_letter_page_and_it_is_audited(caseworker_client, letter, resident):
    response = caseworker_client.get(reverse("letters:detail", args=[letter.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert letter.subject in html and "AANGETEKEND" in html and "Huis van de Wijk De Put" in html
    assert resident.bsn not in html
    assert AuditEntry.objects.filter(action="view", resident_id=resident.pk, object_type="letters.Letter",
                                     object_id=str(letter.pk)).exists()


def test_pdf_download_is_the_stored_pdf_as_attachment_without_name_or_bsn(caseworker_client, letter, resident):
    response = caseworker_client.get(reverse("letters:pdf", args=[letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="brief-{letter.pk}.pdf"'
    assert "Jansen" not in disposition and resident.bsn not in disposition
    assert response.content == bytes(Letter.objects.get(pk=letter.pk).pdf)
    assert AuditEntry.objects.filter(action="export", resident_id=resident.pk, object_id=str(letter.pk)).exists()


@pytest.mark.parametrize("url_name", ["letters:detail", "letters:pdf"])
def test_caseworker_outside_team_gets_403_and_is_audited(client, outside_caseworker, letter, resident, url_name):
    client.force_login(outside_caseworker)
    response = client.get(reverse(url_name, args=[letter.pk]))
    assert response.status_code == 403
    assert b"%PDF" not in response.content and b"Fatima" not in response.content
    assert AuditEntry.objects.filter(action="denied", actor=outside_caseworker, resident_id=resident.pk).exists()


def test_unknown_letter_is_404(caseworker_client):
    assert caseworker_client.get(reverse("letters:detail", args=[999999])).status_code == 404


def test_anonymous_user_is_sent_to_login(client, letter):
    response = client.get(reverse("letters:pdf", args=[letter.pk]))
    assert response.status_code == 302 and "/account/" in response["Location"]


def test_resident_letters_partial_lists_letters(caseworker_client, letter, resident):
    response = caseworker_client.get(reverse("letters:resident", args=[resident.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert letter.subject in html and reverse("letters:pdf", args=[letter.pk]) in html
    assert "aangetekend" in html


def test_resident_letters_partial_refuses_outside_caseworker(client, outside_caseworker, resident):
    client.force_login(outside_caseworker)
    assert client.get(reverse("letters:resident", args=[resident.public_id])).status_code == 403


@pytest.mark.parametrize("count", [1, 10])
def test_resident_letters_tag_needs_one_query_whatever_the_number_of_letters(resident, count):
    for n in range(count):
        services.issue_letter(resident, "reminder", step_key=f"r{n}")
    template = Template("{% load letters %}{% resident_letters resident %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"resident": resident}))
    assert len(queries) == 1
    assert html.count("<tr>") == count + 1


# --- batch printing ------------------------------------------------------------------------------------------------

@pytest.fixture
def three_letters(municipality, neighbourhood, caseworker):
    people = [("Anna", "Bakker"), ("Bram", "Claassen"), ("Cor", "Dijkstra")]
    letters = []
    for first, last in people:
        person = make_resident(municipality, neighbourhood, caseworker, first, last)
        letters.append(services.issue_letter(person, "convocation", step_key="c", context=appointment_context(),
                                             campaign_ref="ROT-2026-WIJK-1"))
    return letters


def test_batch_pdf_has_every_letter_in_the_given_order_and_marks_them_printed(three_letters):
    ordered = [three_letters[2], three_letters[0], three_letters[1]]
    pages = pdf_pages(batch_pdf(Letter.objects.filter(pk__in=[x.pk for x in ordered]).in_bulk().get(x.pk)
                                for x in ordered))
    assert len(pages) == sum(letter.page_count for letter in ordered)
    first_pages = [" ".join(p.split()) for p in pages]
    names = ["Cor Dijkstra", "Anna Bakker", "Bram Claassen"]
    positions = [next(i for i, text in enumerate(first_pages) if name in text) for name in names]
    assert positions == sorted(positions)
    assert Letter.objects.filter(printed_at__isnull=False).count() == 3


def test_batch_view_prints_posted_letters_in_order(caseworker_client, three_letters):
    ids = [three_letters[1].pk, three_letters[2].pk, three_letters[0].pk]
    response = caseworker_client.post(reverse("letters:batch"), {"letters": ids})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="brieven.pdf"'
    text = pdf_text(response.content)
    assert text.index("Bram Claassen") < text.index("Cor Dijkstra") < text.index("Anna Bakker")
    assert AuditEntry.objects.filter(action="export", object_type="letters.Letter").count() == 3


def test_batch_view_prints_a_campaign(caseworker_client, three_letters):
    response = caseworker_client.post(reverse("letters:batch"), {"campaign_ref": "ROT-2026-WIJK-1"})
    assert response.status_code == 200
    assert len(pdf_pages(response.content)) == sum(letter.page_count for letter in three_letters)


def test_batch_view_leaves_out_letters_of_residents_the_user_may_not_see(
    client, municipality, neighbourhood, caseworker, outside_caseworker, three_letters
):
    theirs = make_resident(municipality, neighbourhood, outside_caseworker, "Dirk", "Evers")
    other = services.issue_letter(theirs, "convocation", step_key="c", context=appointment_context(),
                                  campaign_ref="ROT-2026-WIJK-1")
    client.force_login(caseworker)
    response = client.post(reverse("letters:batch"), {"campaign_ref": "ROT-2026-WIJK-1"})
    text = pdf_text(response.content)
    assert "Anna Bakker" in text and "Dirk Evers" not in text
    assert AuditEntry.objects.filter(action="denied", resident_id=theirs.pk, detail__letter=other.pk).exists()
    other.refresh_from_db()
    assert other.printed_at is None


def test_batch_view_with_only_foreign_letters_is_403(client, outside_caseworker, three_letters):
    client.force_login(outside_caseworker)
    response = client.post(reverse("letters:batch"), {"letters": [three_letters[0].pk]})
    assert response.status_code == 403


def test_batch_view_needs_letters_or_campaign_and_post(caseworker_client):
    assert caseworker_client.post(reverse("letters:batch"), {}).status_code == 400
    assert caseworker_client.post(reverse("letters:batch"), {"letters": ["x"]}).status_code == 400
    assert caseworker_client.get(reverse("letters:batch")).status_code == 405


def test_batch_view_is_not_for_neighbourhood_workers(client, municipality, neighbourhood, three_letters):
    worker = UserFactory(municipality=municipality, role=Role.NEIGHBOURHOOD_WORKER, neighbourhood=neighbourhood)
    client.force_login(worker)
    assert client.post(reverse("letters:batch"), {"campaign_ref": "ROT-2026-WIJK-1"}).status_code == 403


# --- admin ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, municipality):
    admin = UserFactory(municipality=municipality, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_editing_an_active_template_in_the_admin_makes_a_new_version(admin_client, resident):
    old_letter = services.issue_letter(resident, "reminder", step_key="r1")
    v1 = LetterTemplate.objects.active().get(kind="reminder", tone="obligating")
    url = reverse("admin:letters_lettertemplate_change", args=[v1.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"subject": "Herinnering (nieuw)", "body": v1.body + "<p>Extra regel.</p>"})
    assert response.status_code == 302, response.content.decode()[:2000]
    v1.refresh_from_db()
    v2 = LetterTemplate.objects.active().get(kind="reminder", tone="obligating")
    assert v1.subject != "Herinnering (nieuw)" and not v1.is_active
    assert (v2.version, v2.subject, v2.based_on_id) == (2, "Herinnering (nieuw)", v1.pk)
    old_letter.refresh_from_db()
    assert old_letter.template_id == v1.pk
    assert services.issue_letter(resident, "reminder", step_key="r2").subject == "Herinnering (nieuw)"


def test_letters_are_not_in_the_admin(admin_client, letter):
    """A letter belongs to a dossier: read and reprinted on the dossier screens (issue 12), not in the admin."""
    assert admin_client.get(f"/beheer/letters/letter/{letter.pk}/change/").status_code == 404
    assert admin_client.get("/beheer/letters/letter/").status_code == 404
