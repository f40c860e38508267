"""The health word list (guidance/data/health_terms.txt) and its matching: what it finds, what it must not flag."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from meedoen.guidance import health_terms
from meedoen.guidance.handover import health_refusal


@pytest.mark.parametrize("text, found", [
    ("Heeft een depressie gehad en slikt medicatie.", ["depressie", "medicatie"]),
    ("Was depressief, nu beter.", ["depressief"]),
    ("Loopt bij de GGZ en heeft een psycholoog.", ["GGZ", "psycholoog"]),
    ("Burn-out, burnout of burn out: allemaal hetzelfde.", ["Burn-out", "burnout", "burn out"]),
    ("Gokverslaving en longziekte.", ["Gokverslaving", "longziekte"]),
    ("Suïcidale gedachten gehad.", ["Suïcidale"]),
    ("Lag twee weken in het ziekenhuis, nu in therapie.", ["ziekenhuis", "therapie"]),
    ("Ging naar de huisarts; de arts zei rust.", ["huisarts", "arts"]),
])
def test_health_words_are_found_as_written(text, found):
    assert health_terms.find(text) == found


@pytest.mark.parametrize("text", [
    "Speelt graag muziek en wil in de keuken werken.",  # 'ziek' inside muziek
    "Schreef een kort verslag van het gesprek.",  # verslag is not verslaving
    "Het startsein voor het project is gegeven.",  # 'arts' inside startsein
    "Heeft schulden en zoekt vrijwilligerswerk in de buurt.",  # debts are not health
    "",
])
def test_everyday_words_are_not_flagged(text):
    assert health_terms.find(text) == []


def test_the_word_list_is_small_documented_data_and_every_term_finds_itself():
    lines = health_terms.TERMS_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    terms = health_terms.parse(lines)
    assert 30 <= len(terms) <= 200
    for mode, term in terms:
        assert health_terms.find(f"tekst {term} tekst"), term


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_matching_never_fails_and_returns_words_from_the_text(text):
    for word in health_terms.find(text):
        assert word in text


def test_refusal_only_without_consent_and_names_the_words():
    assert health_refusal("Heeft een burn-out.", consented=True) is None
    assert health_refusal("Wil graag koken.", consented=False) is None
    message = health_refusal("Heeft een burn-out.", consented=False)
    assert "“burn-out”" in message and "toestemming" in message
