"""Letter screens: the letter as a page, its PDF, a resident's letters (partial) and batch printing.

Thin views: access by relation through meedoen.residents.access, every read audited.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from meedoen.audit import services as audit
from meedoen.audit.models import AuditEntry
from meedoen.formtools import parse_ids
from meedoen.residents.access import EDIT_ROLES, get_resident_or_deny, visible_residents

from . import pdf
from .models import Letter

RESIDENT_LIST_LIMIT = 50


def _letter_or_deny(request, pk, *, with_pdf=False):
    """The letter, if the user may see the resident's dossier (a refused attempt is audited by the access layer)."""
    queryset = Letter.objects.select_related("resident__municipality")
    queryset = queryset.defer("document_html") if with_pdf else queryset.defer("pdf")
    letter = get_object_or_404(queryset, pk=pk)
    resident = get_resident_or_deny(request, letter.resident.public_id)
    letter.resident = resident
    return letter


@login_required
@require_GET
def detail(request, pk):
    letter = _letter_or_deny(request, pk)
    audit.record(request, AuditEntry.Action.VIEW, resident=letter.resident, obj=letter)
    return render(request, "letters/detail.html", {"letter": letter, "resident": letter.resident})


@login_required
@require_GET
def pdf_download(request, pk):
    letter = _letter_or_deny(request, pk, with_pdf=True)
    audit.record(request, AuditEntry.Action.EXPORT, resident=letter.resident, obj=letter, detail={"format": "pdf"})
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    return response


@login_required
@require_GET
def resident_letters(request, public_id):
    """The resident's letters as a partial (for the dossier, also loadable with hx-get)."""
    resident = get_resident_or_deny(request, public_id)
    audit.record(request, AuditEntry.Action.VIEW, resident=resident, detail={"list": "letters"})
    letters = list(resident.letters.without_content()[:RESIDENT_LIST_LIMIT])
    return render(request, "letters/_resident_letters.html", {"resident": resident, "resident_letters": letters})


@login_required
@require_POST
def batch(request):
    """One PDF of the posted letters (`letters`: ids, in that order) or of a campaign (`campaign_ref`).

    Only letters of residents the user may see are printed; asked-for letters outside that are refused and audited.
    """
    if request.user.role not in EDIT_ROLES:
        raise PermissionDenied("Alleen klantmanagers en teamleiders drukken brieven af.")
    ids = parse_ids(request.POST.getlist("letters"), name="letters")  # a bad id: 400
    campaign_ref = request.POST.get("campaign_ref", "").strip()
    if ids:
        wanted = Letter.objects.filter(pk__in=ids)
    elif campaign_ref:
        wanted = Letter.objects.filter(campaign_ref=campaign_ref)
    else:
        return HttpResponseBadRequest("Kies brieven of een campagne.")

    visible = visible_residents(request.user).values("pk")
    letters = list(wanted.filter(resident__in=visible).defer("document_html", "body_html").order_by("id"))
    refused = list(wanted.exclude(resident__in=visible).values_list("pk", "resident_id"))
    for letter_id, resident_id in refused:
        audit.record(request, AuditEntry.Action.DENIED, resident=resident_id, detail={"letter": letter_id})
    if not letters:
        if refused:
            raise PermissionDenied("Geen toegang tot deze brieven.")
        raise Http404
    if ids:
        position = {pk: index for index, pk in enumerate(ids)}
        letters.sort(key=lambda letter: position[letter.pk])

    output = pdf.batch_pdf(letters)
    for letter in letters:
        audit.record(request, AuditEntry.Action.EXPORT, resident=letter.resident_id, obj=letter,
                     detail={"format": "pdf", "batch": len(letters)})
    response = HttpResponse(output, content_type="application/pdf")
    name = "brieven-campagne.pdf" if campaign_ref and not ids else "brieven.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

