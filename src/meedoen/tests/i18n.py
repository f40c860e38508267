"""Test helpers for messages that go through Django i18n."""
from __future__ import annotations

import ast
import inspect
import textwrap
from contextlib import contextmanager

from django.utils import translation
from django.utils.translation import trans_real


@contextmanager
def english_catalogue(entries: dict[str, str]):
    """English active, with `entries` ({msgid: msgstr}) in its catalogue for the duration.

    Proves a message is looked up by its constant msgid (and filled in after translation) without depending on the
    shipped English catalogue, which may not hold the message yet. The catalogue is reloaded from disk afterwards.
    """
    try:
        with translation.override("en"):
            catalogue = trans_real.translation("en")._catalog
            for msgid, msgstr in entries.items():
                catalogue[msgid] = msgstr
            yield
    finally:
        trans_real._translations.pop("en", None)


def f_strings_in(*functions) -> list[str]:
    """The f-strings in the source of `functions`: a message built as an f-string has no constant msgid."""
    found = []
    for function in functions:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        found += [f"{function.__name__}: {ast.unparse(node)}" for node in ast.walk(tree)
                  if isinstance(node, ast.JoinedStr)]
    return found
