import datetime as dt
import io
import re

from django.utils import timezone
from pypdf import PdfReader

APPOINTMENT = dt.datetime(2026, 3, 10, 10, 30)
MISSED = dt.datetime(2026, 2, 24, 14, 0)
TODAY = dt.datetime(2026, 3, 2, 9, 0)


def aware(value):
    return timezone.make_aware(value)


def pdf_pages(data):
    reader = PdfReader(io.BytesIO(bytes(data)))
    return [page.extract_text() or "" for page in reader.pages]


def pdf_text(data):
    """The whole text, whitespace collapsed (WeasyPrint places words; pypdf may break lines anywhere)."""
    return " ".join(" ".join(pdf_pages(data)).split())


def squeezed(text):
    return re.sub(r"\s+", "", text)


def appointment_context(venue=None, **extra):
    context = {
        "appointment_at": aware(APPOINTMENT),
        "venue_name": venue.name if venue else "Huis van de Wijk De Put",
        "venue_address": venue.address if venue else "Putsebocht 10, 3073 HG Rotterdam",
        "missed_appointment_at": aware(MISSED),
    }
    context.update(extra)
    return context
