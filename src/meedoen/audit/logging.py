"""Keep BSNs out of logs and error reports.

ScrubBSNFilter sits on every logging handler (settings.LOGGING; the system check in audit/checks.py refuses a handler
without it). It does not try to find a BSN in each kind of argument: it renders the record the way a handler would,
masks the text, and leaves nothing unrendered behind, so no formatter or handler that runs after it can print one:
  - the message is rendered (record.getMessage(): ints, dicts, lists, objects' str()) and masked; args become None;
  - the exception is formatted into record.exc_text (traceback, chained causes such as a database driver's "Key
    (bsn)=(...) already exists") and masked; record.exc_info is dropped, because formatters that render exc_info
    themselves (JSON formatters, AdminEmailHandler's report) would otherwise print the raw exception again;
  - stack_info is masked;
  - extra attributes (logger.info(..., extra={...}); django.db.backends puts the SQL and its params there) whose text
    holds a BSN are replaced by their masked text.
The filter mutates the record, which all handlers share, and running it twice changes nothing.

BSNScrubbingExceptionReporter (settings.DEFAULT_EXCEPTION_REPORTER) masks the technical error report: the DEBUG 500
page (development only; production forces DEBUG off) and the mail AdminEmailHandler would send, with its request data.
"""
import logging

from django.views.debug import ExceptionReporter

from meedoen.residents.bsn import scrub

# The attributes every LogRecord has; anything else came in through `extra` (or is a formatter's cached `message`).
_STANDARD_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__)


def _render_message(record):
    try:
        return record.getMessage()
    except Exception:  # args that do not fit the message: never let logging raise, and never print them unmasked
        return f"{_safe_str(record.msg)} (arguments: {_safe_str(record.args)})"


class ScrubBSNFilter(logging.Filter):
    def filter(self, record):
        record.msg = scrub(_render_message(record))
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for name, value in list(record.__dict__.items()):
            if name not in _STANDARD_RECORD_ATTRIBUTES and value is not None:
                text = value if isinstance(value, str) else _safe_str(value)
                masked = scrub(text)
                if masked != text:
                    setattr(record, name, masked)
        return True


def _safe_str(value):
    try:
        return str(value)
    except Exception:
        return ""


class BSNScrubbingExceptionReporter(ExceptionReporter):
    def get_traceback_html(self):
        return scrub(super().get_traceback_html())

    def get_traceback_text(self):
        return scrub(super().get_traceback_text())
