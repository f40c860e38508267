"""English translation: the catalogue is complete, compiled, and served when the user asks for English."""
import ast
import gettext as gettext_module
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"


def parse_po(path):
    """A minimal .po reader: a list of dicts with msgctxt/msgid/msgid_plural/msgstr[n], and 'fuzzy'."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key, fuzzy = {}, None, False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
            elif " " in line:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        if "msgid" in entry:
            entry["fuzzy"] = fuzzy
            entries.append(entry)
    return entries


def messages():
    return [e for e in parse_po(PO_FILE) if e["msgid"]]


def translations_of(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_catalogue_exists_and_is_compiled():
    assert PO_FILE.exists()
    assert MO_FILE.exists()
    assert len(messages()) > 100


def test_no_untranslated_or_fuzzy_messages():
    entries = messages()
    untranslated = [e["msgid"] for e in entries if not all(translations_of(e))]
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    assert untranslated == []
    assert fuzzy == []
    header = parse_po(PO_FILE)[0]
    assert header["msgid"] == "" and not header["fuzzy"]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt not installed")
def test_msgfmt_check_reports_everything_translated(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "check.mo"), str(PO_FILE)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "translated message" in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_compiled_catalogue_matches_po():
    """The committed .mo holds every translation from the .po (so nobody forgot compilemessages)."""
    with MO_FILE.open("rb") as fh:
        catalog = gettext_module.GNUTranslations(fh)._catalog
    stale = []
    for e in messages():
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            expected = {(msgid, n): e[f"msgstr[{n}]"] for n in range(2)}
        else:
            expected = {msgid: e["msgstr"]}
        if any(catalog.get(k) != v for k, v in expected.items()):
            stale.append(e["msgid"])
    assert stale == [], "run: manage.py compilemessages"


def test_strings_translate_in_english():
    with translation.override("en"):
        assert gettext("Mijn caseload") == "My caseload"
        assert gettext("Klantmanager") == "Caseworker"
        assert gettext("Inloggen") == "Log in"
        assert gettext("Inschatting opgeslagen. Segment: %(segment)s.") % {"segment": "A"} == (
            "Assessment saved. Segment: A."
        )
        assert ngettext("%(n)s kind", "%(n)s kinderen", 1) % {"n": 1} == "1 child"
        assert ngettext("%(n)s kind", "%(n)s kinderen", 3) % {"n": 3} == "3 children"


def test_dutch_stays_the_default():
    with translation.override("nl"):
        assert gettext("Mijn caseload") == "Mijn caseload"


@pytest.mark.django_db
def test_login_page_in_english_via_accept_language(client):
    response = client.get("/account/inloggen/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Log in" in content
    assert "Inloggen" not in content


@pytest.mark.django_db
def test_login_page_in_english_via_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/account/inloggen/")
    assert response.status_code == 200
    assert "Log in" in response.content.decode()


@pytest.mark.django_db
def test_login_page_defaults_to_dutch(client):
    response = client.get("/account/inloggen/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="nl">' in content
    assert "Inloggen" in content
