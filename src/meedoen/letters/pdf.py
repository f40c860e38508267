"""PDF output with WeasyPrint: one letter, and one print file for a batch (a campaign) of stored letters."""
import functools
import io
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

PRINT_CSS = Path(__file__).resolve().parent / "pdf.css"


@functools.cache
def _print_stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(PRINT_CSS))


def letter_html_document(document_html, title=""):
    """A stored letter fragment (the <article>) wrapped as a whole HTML page for WeasyPrint."""
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>{document_html}</body></html>"
    )


def render(html):
    """(pdf_bytes, page_count) of a whole HTML page, with the letter print stylesheet."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(PRINT_CSS.parent)).render(stylesheets=[_print_stylesheet()])
    return document.write_pdf(), len(document.pages)


def render_pdf(html):
    return render(html)[0]


def batch_pdf(letters, *, mark_printed=True):
    """One PDF of the stored PDFs of `letters`, in the order given, so a batch prints exactly what was stored.

    Pass letters with their `pdf` loaded (not deferred) to avoid a query per letter. Marks them printed.
    """
    from pypdf import PdfReader, PdfWriter

    letters = list(letters)
    writer = PdfWriter()
    for letter in letters:
        writer.append(PdfReader(io.BytesIO(bytes(letter.pdf))))
    writer.add_metadata({"/Title": f"Meedoen – {len(letters)} brieven"})
    out = io.BytesIO()
    writer.write(out)
    if mark_printed and letters:
        from .models import Letter

        now = timezone.now()
        with transaction.atomic():
            Letter.objects.filter(pk__in=[letter.pk for letter in letters]).update(printed_at=now)
        for letter in letters:
            letter.printed_at = now
    return out.getvalue()
