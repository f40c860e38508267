"""Tests: fast hashing, inline tasks; the database comes from DATABASE_URL (SQLite or PostgreSQL)."""
from . import keys
from .base import *  # noqa: F401,F403
from .base import env

MEEDOEN_DEVELOPMENT_SETTINGS = True
DEBUG = False
SECRET_KEY = keys.TEST_KEY
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_ENABLED = env("AXES_ENABLED", "true") == "true"
RETENTION_DELETE_UNDER_DEFAULT_TERMS = True  # the tests delete under the shipped default terms
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
