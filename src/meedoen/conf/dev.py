"""Development: DEBUG on, a fixed insecure key so `make run` works out of the box."""
from .base import *  # noqa: F401,F403
from .base import env, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = ["*"]
