"""Development: DEBUG on, and the shipped development key when SECRET_KEY is not set, so `make run` works out of the
box. The shipped key is only accepted here and in test.py (conf/keys.py); a system check warns that it is in use."""
from . import keys
from .base import *  # noqa: F401,F403
from .base import env, env_bool

MEEDOEN_DEVELOPMENT_SETTINGS = True
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY") or keys.DEVELOPMENT_KEY
ALLOWED_HOSTS = ["*"]
