"""SECRET_KEY (security audit): only the development and test settings may run with a key that ships with the code;
anywhere else a missing or shipped key is an error — at settings import (production), in the system checks
(`check`, `migrate`, `runserver`, `check --deploy`) and at the WSGI start."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks

from meedoen.accounts import checks as account_checks
from meedoen.conf import keys

REPO = Path(__file__).resolve().parents[4]
REAL_KEY = "een-lange-eigen-sleutel-van-de-gemeente-0123456789-abcdefghij"


def run(*args, settings_module=None, secret_key=None, extra_path=None, code=None):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), extra_path) if p)
    command = [sys.executable, "-c", code] if code else [sys.executable, str(REPO / "manage.py"), *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_only_a_key_of_your_own_passes():
    assert keys.problem("") and keys.problem(None)
    assert keys.problem(keys.DEVELOPMENT_KEY) and keys.problem(keys.TEST_KEY)
    assert keys.problem("django-insecure-abc123")
    assert keys.problem(REAL_KEY) is None


@pytest.mark.parametrize("key", ["", keys.DEVELOPMENT_KEY, keys.TEST_KEY])
def test_outside_the_development_settings_a_missing_or_shipped_key_is_an_error(settings, key):
    settings.MEEDOEN_DEVELOPMENT_SETTINGS = False
    settings.SECRET_KEY = key
    found = account_checks.secret_key_outside_development(None)
    assert [m.id for m in found] == ["meedoen.accounts.E002"] and found[0].level == checks.ERROR


def test_outside_the_development_settings_an_own_key_passes(settings):
    settings.MEEDOEN_DEVELOPMENT_SETTINGS = False
    settings.SECRET_KEY = REAL_KEY
    assert account_checks.secret_key_outside_development(None) == []
    assert account_checks.shipped_secret_key_is_not_deployable(None) == []


def test_the_development_settings_say_so_and_are_never_deployable(settings):
    settings.MEEDOEN_DEVELOPMENT_SETTINGS = True
    settings.SECRET_KEY = keys.DEVELOPMENT_KEY
    assert [m.id for m in account_checks.secret_key_outside_development(None)] == ["meedoen.accounts.W001"]
    deploy = account_checks.shipped_secret_key_is_not_deployable(None)
    assert [m.id for m in deploy] == ["meedoen.accounts.E003"] and deploy[0].level == checks.ERROR


def test_production_settings_refuse_to_load_without_a_key_or_with_the_development_key():
    missing = run("check", settings_module="meedoen.conf.production")
    assert missing.returncode != 0 and "SECRET_KEY is not set" in missing.stderr
    shipped = run("check", settings_module="meedoen.conf.production", secret_key=keys.DEVELOPMENT_KEY)
    assert shipped.returncode != 0 and "ships with the code" in shipped.stderr
    own = run("check", settings_module="meedoen.conf.production", secret_key=REAL_KEY)
    assert own.returncode == 0, own.stderr


def test_manage_py_check_deploy_fails_on_the_development_key_and_plain_check_warns():
    deploy = run("check", "--deploy")
    assert deploy.returncode != 0 and "meedoen.accounts.E003" in deploy.stderr
    plain = run("check")
    assert plain.returncode == 0 and "meedoen.accounts.W001" in plain.stderr + plain.stdout


def test_another_settings_module_without_a_key_stops_manage_py_and_the_wsgi_start(tmp_path):
    (tmp_path / "gemeente_settings.py").write_text(
        "from meedoen.conf.base import *  # noqa\nALLOWED_HOSTS = ['meedoen.gemeente.nl']\n")
    check = run("check", settings_module="gemeente_settings", extra_path=str(tmp_path))
    assert check.returncode != 0 and "meedoen.accounts.E002" in check.stderr
    (tmp_path / "copied_settings.py").write_text(
        f"from meedoen.conf.base import *  # noqa\nSECRET_KEY = {keys.DEVELOPMENT_KEY!r}\n")
    wsgi = run(settings_module="copied_settings", extra_path=str(tmp_path), code="import meedoen.wsgi")
    assert wsgi.returncode != 0 and "meedoen.accounts.E002" in wsgi.stderr
    ok = run(settings_module="copied_settings", secret_key=REAL_KEY, extra_path=str(tmp_path),
             code="import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'meedoen.conf.production'; import meedoen.wsgi")
    assert ok.returncode == 0, ok.stderr
