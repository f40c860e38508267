"""No BSN in any log line or error report, in any form (security audit finding).

Everything is logged through the handlers configured in settings.LOGGING and read back from the configured console
handler's stream, so the tests see what an operator would see (caplog alone would bypass the handlers' filters).
"""
import io
import logging
import sys
import traceback
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils.log import AdminEmailHandler
from django.views.debug import technical_500_response
from hypothesis import given, settings as hypothesis_settings, strategies as st
from stdnum.nl import bsn as stdnum_bsn

from meedoen.audit.checks import handlers_without_bsn_scrubber, logging_handlers_scrub_bsn
from meedoen.audit.logging import ScrubBSNFilter
from meedoen.residents.bsn import scrub
from meedoen.residents.models import Resident
from meedoen.tests.factories import ResidentFactory

BSN = "111222333"  # passes the 11-proof
BSN_WITH_LEADING_ZERO = "012345672"  # passes the 11-proof; as an int it prints as 12345672
assert stdnum_bsn.is_valid(BSN) and stdnum_bsn.is_valid(BSN_WITH_LEADING_ZERO)

logger = logging.getLogger("meedoen.tests.logscrub")


def console_handler():
    (handler,) = [h for h in logging.getLogger().handlers if h.name == "console"]
    return handler


@contextmanager
def configured_log_output(formatter=None):
    """Point the configured console handler at a buffer; yields the buffer."""
    handler = console_handler()
    buffer = io.StringIO()
    old_stream = handler.setStream(buffer)
    old_formatter = handler.formatter
    if formatter:
        handler.setFormatter(formatter)
    try:
        yield buffer
    finally:
        handler.setStream(old_stream)
        handler.setFormatter(old_formatter)


def assert_no_bsn(text, bsn=BSN):
    assert bsn not in text
    assert bsn.lstrip("0") not in text


# --- the configuration: every handler scrubs ---------------------------------------------------------------------

def test_every_handler_in_the_logging_setting_has_the_bsn_scrubber():
    assert settings.LOGGING["handlers"]
    assert handlers_without_bsn_scrubber(settings.LOGGING) == []
    assert logging_handlers_scrub_bsn(None) == []


def test_system_check_refuses_a_handler_without_the_bsn_scrubber():
    handlers = {**settings.LOGGING["handlers"], "file": {"class": "logging.FileHandler", "filename": "meedoen.log"}}
    config = {**settings.LOGGING, "handlers": handlers}
    with override_settings(LOGGING=config):
        errors = logging_handlers_scrub_bsn(None)
    assert [(e.id, "'file'" in e.msg) for e in errors] == [("meedoen.audit.E001", True)]


def test_every_live_handler_has_the_bsn_scrubber():
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    handlers = {
        h for lg in loggers for h in lg.handlers
        # libraries' NullHandlers print nothing; pytest's capture handlers exist only under pytest
        if not isinstance(h, logging.NullHandler) and not type(h).__module__.startswith("_pytest")
    }
    assert console_handler() in handlers
    assert [h for h in handlers if not any(isinstance(f, ScrubBSNFilter) for f in h.filters)] == []


def test_the_exception_reporter_is_the_scrubbing_one():
    assert settings.DEFAULT_EXCEPTION_REPORTER == "meedoen.audit.logging.BSNScrubbingExceptionReporter"


# --- one test per form --------------------------------------------------------------------------------------------

def test_bsn_in_the_message_text_is_masked():
    with configured_log_output() as out:
        logger.warning(f"Geen dossier voor {BSN}")
    assert "Geen dossier voor *********" in out.getvalue()
    assert_no_bsn(out.getvalue())


def test_bsn_in_a_string_argument_is_masked():
    with configured_log_output() as out:
        logger.warning("Geen dossier voor %s", BSN)
    assert "Geen dossier voor *********" in out.getvalue()


def test_bsn_as_an_integer_argument_is_masked():
    with configured_log_output() as out:
        logger.warning("Geen dossier voor %s (%d)", int(BSN), int(BSN))
    assert "Geen dossier voor ********* (*********)" in out.getvalue()


def test_bsn_as_an_integer_that_lost_its_leading_zero_is_masked():
    with configured_log_output() as out:
        logger.warning("Geen dossier voor %s", int(BSN_WITH_LEADING_ZERO))
    assert "Geen dossier voor *********" in out.getvalue()
    assert_no_bsn(out.getvalue(), BSN_WITH_LEADING_ZERO)


@pytest.mark.parametrize("written", [
    "111.222.333", "111 222 333", "111-222-333", "1112 22 333", "1112.22.333", "1112-22-333", "111,222,333",
    "111\u00a0222\u00a0333",
], ids=["dotted", "spaced", "hyphenated", "4-2-3-spaced", "4-2-3-dotted", "4-2-3-hyphenated", "thousands", "nbsp"])
def test_bsn_written_in_groups_is_masked(written):
    with configured_log_output() as out:
        logger.warning("Inwoner met BSN %s belde", written)
    assert "Inwoner met BSN ********* belde" in out.getvalue()
    assert written not in out.getvalue()


class Dossier:
    def __str__(self):
        return f"Dossier van BSN {BSN}"


@pytest.mark.parametrize("args", [
    ({"bsn": BSN},), ({"bsn": int(BSN)},), ([BSN, "x"],), ((int(BSN),),), (Dossier(),), ({BSN},),
], ids=["dict", "dict-int", "list", "tuple-int", "object-str", "set"])
def test_bsn_inside_a_non_string_argument_is_masked(args):
    with configured_log_output() as out:
        logger.warning("Zoekopdracht: %s", *args)
    assert "Zoekopdracht: " in out.getvalue()
    assert_no_bsn(out.getvalue())


def test_bsn_in_a_mapping_argument_is_masked():
    with configured_log_output() as out:
        logger.warning("Zoekopdracht op %(bsn)s", {"bsn": int(BSN)})
    assert "Zoekopdracht op *********" in out.getvalue()


def test_arguments_that_do_not_fit_the_message_do_not_leak_or_raise():
    with configured_log_output() as out:
        logger.warning("Zoekopdracht %d", "BSN " + BSN)
    assert "Zoekopdracht" in out.getvalue()
    assert_no_bsn(out.getvalue())


def test_bsn_in_an_exception_and_its_traceback_is_masked():
    with configured_log_output() as out:
        try:
            try:
                raise KeyError(int(BSN))
            except KeyError as cause:
                raise ValueError(f"Geen dossier voor BSN {BSN}") from cause
        except ValueError:
            logger.exception("Opzoeken mislukt")
    output = out.getvalue()
    assert "Traceback (most recent call last)" in output
    assert "ValueError: Geen dossier voor BSN *********" in output
    assert "KeyError: *********" in output  # the chained cause too
    assert_no_bsn(output)


def test_a_formatter_that_renders_the_exception_itself_cannot_print_the_raw_exception():
    class RendersExcInfo(logging.Formatter):  # as JSON formatters and AdminEmailHandler do: exc_info, not exc_text
        def format(self, record):
            raw = "".join(traceback.format_exception(*record.exc_info)) if record.exc_info else ""
            return record.getMessage() + raw

    with configured_log_output(RendersExcInfo()) as out:
        try:
            raise ValueError(f"Geen dossier voor BSN {BSN}")
        except ValueError:
            logger.exception("Opzoeken mislukt")
    assert "Opzoeken mislukt" in out.getvalue()
    assert_no_bsn(out.getvalue())


def log_with_stack(bsn):
    logger.warning("Wie riep mij aan?", stack_info=True)


def test_bsn_in_stack_info_is_masked():
    with configured_log_output() as out:
        log_with_stack("111222333")  # this source line, with the BSN, is part of the stack
    output = out.getvalue()
    assert "Stack (most recent call last)" in output and 'log_with_stack("*********")' in output
    assert_no_bsn(output)


def test_bsn_in_extra_attributes_is_masked():
    class PrintsExtras(logging.Formatter):  # as JSON formatters do: every attribute of the record
        def format(self, record):
            return repr(vars(record))

    with configured_log_output(PrintsExtras()) as out:
        logger.warning("Zoekopdracht", extra={"bsn": BSN, "params": (int(BSN), "x"), "count": 3})
    assert "'count': 3" in out.getvalue()
    assert_no_bsn(out.getvalue())


# --- a real database error on the unique BSN key ------------------------------------------------------------------

def save_duplicate_resident(request):
    first = Resident.objects.get()
    with transaction.atomic():
        ResidentFactory(municipality=first.municipality, bsn=first.bsn, neighbourhood=first.neighbourhood)
    return HttpResponse("niet bereikt")


urlpatterns = [path("dubbel/", save_duplicate_resident), path("", include("meedoen.urls"))]


class PrintsMessageAndExtras(logging.Formatter):
    def format(self, record):
        return super().format(record) + " " + repr(vars(record))


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_integrity_error_on_a_duplicate_bsn_is_masked_in_the_500_log_and_the_sql_debug_log():
    bsn = ResidentFactory().bsn
    sql_logger = logging.getLogger("django.db.backends")
    old_level = sql_logger.level
    sql_logger.setLevel(logging.DEBUG)
    try:
        with configured_log_output(PrintsMessageAndExtras("%(levelname)s %(name)s %(message)s")) as out, \
                CaptureQueriesContext(connection) as queries:
            response = Client(raise_request_exception=False).get("/dubbel/")
    finally:
        sql_logger.setLevel(old_level)
    assert response.status_code == 500 and Resident.objects.count() == 1
    # The BSN was in the failing INSERT, so in the SQL debug log's message and its extras (sql, params), and on
    # PostgreSQL also in the driver's "Key (municipality_id, bsn)=(…) already exists".
    assert any(bsn in q["sql"] and q["sql"].startswith("INSERT") for q in queries.captured_queries)
    output = out.getvalue()
    assert "ERROR django.request Internal Server Error: /dubbel/" in output
    assert "IntegrityError" in output and "save_duplicate_resident" in output  # the traceback is there
    assert "DEBUG django.db.backends" in output and "INSERT INTO" in output
    if connection.vendor == "postgresql":
        assert "already exists" in output
    assert_no_bsn(output, bsn)


# --- Django's error reports ---------------------------------------------------------------------------------------

def raise_with_bsn():
    raise ValueError(f"Geen dossier voor BSN {BSN}")


def test_technical_500_page_masks_the_bsn_in_exception_locals_and_post_data():
    request = RequestFactory().post("/zoeken/", {"bsn": BSN, "spaced": "111 222 333"})
    try:
        bsn_local = BSN  # noqa: F841 (a frame local, shown on the page)
        raise_with_bsn()
    except ValueError:
        response = technical_500_response(request, *sys.exc_info())
    page = response.content.decode()
    assert "Geen dossier voor BSN *********" in page
    assert_no_bsn(page)
    assert "111 222 333" not in page


@override_settings(ADMINS=[("Beheer", "beheer@example.org")])
def test_error_mail_to_admins_masks_the_bsn():
    handler = AdminEmailHandler(include_html=True)
    handler.addFilter(ScrubBSNFilter())
    request = RequestFactory().post("/zoeken/", {"bsn": BSN})
    try:
        raise_with_bsn()
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Fout bij %s", (BSN,), sys.exc_info())
    record.request = request
    handler.handle(record)
    (message,) = mail.outbox
    assert "*********" in message.subject
    assert_no_bsn(message.subject + message.body + message.alternatives[0][0])


# --- the scrubber on its own: what it keeps ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "op 2024-01-15 12:30:45.123456+00:00", "versie 5.2.19", "20240115", "dossier 4711, stap 3 van 4", "(0.003)",
    "1234 5678", "bedrag 1.234.567,89",
])
def test_scrub_keeps_text_that_does_not_look_like_a_bsn(text):
    assert scrub(text) == text


# --- property: any valid BSN, in any supported form, in any text ---------------------------------------------------

@st.composite
def valid_bsns(draw):
    """A BSN that passes the 11-proof; at most one leading zero."""
    first_eight = f"{draw(st.integers(min_value=1_000_000, max_value=99_999_999)):08d}"
    check = sum(int(d) * w for d, w in zip(first_eight, range(9, 1, -1))) % 11
    if check == 10:
        check = draw(st.nothing())
    return first_eight + str(check)


SEPARATORS = [" ", ".", "-", ",", "\u00a0"]
FORMS = {
    "digits": lambda b, s: b,
    "int": lambda b, s: str(int(b)),
    "3-3-3": lambda b, s: s.join([b[:3], b[3:6], b[6:]]),
    "4-2-3": lambda b, s: s.join([b[:4], b[4:6], b[6:]]),
}


@hypothesis_settings(max_examples=300)
@given(bsn=valid_bsns(), form=st.sampled_from(sorted(FORMS)), separator=st.sampled_from(SEPARATORS),
       before=st.text(max_size=30), after=st.text(max_size=30), as_argument=st.booleans())
def test_no_valid_bsn_in_any_supported_form_reaches_the_log(bsn, form, separator, before, after, as_argument):
    assert stdnum_bsn.is_valid(bsn)
    written = FORMS[form](bsn, separator)
    text = before + written + after
    with configured_log_output() as out:
        if as_argument:
            logger.warning("Bericht: %s", text)
        else:
            logger.warning(text)
    output = out.getvalue()
    assert bsn not in output
    assert bsn.lstrip("0") not in output
    assert written not in output
