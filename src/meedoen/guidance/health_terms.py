"""Health words in free text (AVG art. 9): a small, documented Dutch word list (data/health_terms.txt), used to keep
health information out of handover notes when the resident did not consent to share it.

    find(text) -> list[str]      the words in `text` that point at health information, as written, in order

Pure apart from reading the word list once. A check of this kind finds words, not meaning: it misses health
information written around the list ("heeft last van de rug") and flags a wish to work in a hospital. It is a prompt
to rephrase, not a guarantee; the caseworker stays responsible for what the note says.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

TERMS_FILE = Path(__file__).resolve().parent / "data" / "health_terms.txt"


def normalise(text: str) -> str:
    """Lower case without accents (suïcide → suicide); one character per character, so positions stay valid."""
    result = []
    for char in text:
        lower = char.lower()[:1] or char  # "İ".lower() is two characters: keep one
        base = unicodedata.normalize("NFKD", lower)
        result.append(base[0] if len(base) > 1 and unicodedata.combining(base[1]) else lower)
    return "".join(result)


def parse(lines) -> list[tuple[str, str]]:
    """(mode, term) per line: mode "prefix" (default), "infix" (*term) or "word" (=term); comments and blanks skipped."""
    terms = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        mode = {"*": "infix", "=": "word"}.get(line[0], "prefix")
        term = normalise(line.lstrip("*="))
        if term:
            terms.append((mode, term))
    return terms


def _pattern(term: str) -> str:
    # A hyphen or space inside a term may be written either way or left out: burn-out, burnout, burn out.
    parts = [re.escape(part) for part in re.split(r"[-\s]+", term)]
    return r"[-\s]?".join(parts)


def compile_terms(terms: list[tuple[str, str]]) -> re.Pattern:
    alternatives = []
    for mode, term in terms:
        body = _pattern(term)
        if mode == "word":
            alternatives.append(rf"(?<!\w){body}(?!\w)")
        elif mode == "prefix":
            alternatives.append(rf"(?<!\w){body}")
        else:
            alternatives.append(body)
    return re.compile("|".join(alternatives) or r"(?!)")


@functools.lru_cache(maxsize=1)
def _default_pattern() -> re.Pattern:
    return compile_terms(parse(TERMS_FILE.read_text(encoding="utf-8").splitlines()))


def find(text: str, pattern: re.Pattern | None = None) -> list[str]:
    """The words of `text` (as written) in which a health term occurs, each once, in order of appearance."""
    if not text:
        return []
    pattern = pattern or _default_pattern()
    normalised = normalise(text)
    found = []
    for match in pattern.finditer(normalised):
        start, end = match.span()
        while start > 0 and (normalised[start - 1].isalnum() or normalised[start - 1] == "-"):
            start -= 1
        while end < len(normalised) and (normalised[end].isalnum() or normalised[end] == "-"):
            end += 1
        word = text[start:end]
        if word.lower() not in {w.lower() for w in found}:
            found.append(word)
    return found
