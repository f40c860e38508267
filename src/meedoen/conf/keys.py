"""The secret keys that ship with the code, and when a key may not be used (no Django imports: settings use it).

Only the development and test settings may run with a shipped key. Everywhere else a missing or shipped key is an
error: production.py refuses to load, and the system check meedoen.accounts.E002 (accounts/checks.py) stops
`manage.py check`, `migrate`, `runserver` and the WSGI start for any other settings module. `check --deploy` also
refuses the shipped keys under the development settings (meedoen.accounts.E003).
"""
DEVELOPMENT_KEY = "dev-only-insecure-key-do-not-use-in-production"
TEST_KEY = "test-only-key"
SHIPPED_KEYS = frozenset({DEVELOPMENT_KEY, TEST_KEY})


def problem(key: str | None) -> str | None:
    """Why `key` may not be used outside development and tests, or None when it may."""
    if not key:
        return "SECRET_KEY is not set. Set the SECRET_KEY environment variable (a long random value)."
    if key in SHIPPED_KEYS or key.startswith("django-insecure"):
        return ("SECRET_KEY is a key that ships with the code (development or test). Set the SECRET_KEY "
                "environment variable to a long random value of your own.")
    return None
