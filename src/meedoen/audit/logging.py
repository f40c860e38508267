"""Logging filter that masks BSN-like numbers in every log record."""
import logging

from meedoen.residents.bsn import scrub


class ScrubBSNFilter(logging.Filter):
    def filter(self, record):
        record.msg = scrub(str(record.msg))
        if record.args:
            if isinstance(record.args, dict):
                record.args = {k: scrub(v) if isinstance(v, str) else v for k, v in record.args.items()}
            else:
                record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        return True
