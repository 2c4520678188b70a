"""Django settings for the clinic server, every value read through the typed readers of ``env``.

``ALLIANCE_MODE`` picks one of three modes:

- ``production`` (the default): refuses to start without ``ALLIANCE_SECRET_KEY`` (50+
  characters), HTTPS only, HSTS, secure cookies; ``check --deploy`` is clean.
- ``demo``: the only mode with ``DEBUG``; a throw-away key, plain HTTP on 127.0.0.1.
- ``test``: what the test suite runs; a fixed key, plain HTTP, no ``DEBUG``.

The database is SQLite in the data directory unless ``ALLIANCE_DATABASE_URL`` names another.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from alliance.datadir import data_dir
from alliance.web.database import database_from_url, sqlite_database
from alliance.web.env import (
    SettingError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_optional,
)

MODE = env_choice("ALLIANCE_MODE", "production", {"production", "demo", "test"})
PRODUCTION = MODE == "production"
DEBUG = MODE == "demo"

_secret = env_optional("ALLIANCE_SECRET_KEY")
if PRODUCTION and (_secret is None or len(_secret) < 50 or len(set(_secret)) < 5):
    raise SettingError(
        "ALLIANCE_SECRET_KEY must be set to a random value of at least 50 characters in "
        "production (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
if _secret is not None:
    SECRET_KEY = _secret
elif MODE == "test":
    SECRET_KEY = "test-only-key-" + "x" * 50
else:
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("ALLIANCE_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
if MODE == "test":
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

_url = env_optional("ALLIANCE_DATABASE_URL")
DATABASES = {
    "default": database_from_url(_url) if _url else sqlite_database(data_dir() / "alliance.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "alliance.web.apps.ClinicConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "alliance.web.middleware.security_headers",
    "alliance.web.middleware.utf8_requests",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "alliance.web.middleware.absolute_session_timeout",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alliance.web.urls"
WSGI_APPLICATION = "alliance.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
STATIC_URL = "static/"

AUTH_USER_MODEL = "clinic.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# django-axes: lock a username from one address after repeated failures (ASVS 6.3.1), so a
# whole clinic behind one NAT address is not locked out by one mistyped password.
AXES_FAILURE_LIMIT = env_int("ALLIANCE_LOGIN_FAILURES", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions: a sliding idle timeout and an absolute lifetime (ASVS 4.0 3.3.2, level 2).
SESSION_IDLE_SECONDS = env_int("ALLIANCE_SESSION_IDLE_MINUTES", 30, minimum=1, maximum=720) * 60
SESSION_ABSOLUTE_SECONDS = env_int("ALLIANCE_SESSION_HOURS", 12, minimum=1, maximum=24) * 3600
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

HTTPS = PRODUCTION and env_bool("ALLIANCE_HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = (
    env_int("ALLIANCE_HSTS_SECONDS", 31_536_000, minimum=0, maximum=63_072_000) if HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("ALLIANCE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

CHECKIN_LINK_HOURS = env_int("ALLIANCE_CHECKIN_LINK_HOURS", 72, minimum=1, maximum=24 * 14)

# Pages in English and French: Django's i18n, catalogues (and their compiled .mo files) in the
# app's own locale folder. The browser's language picks one; the language switch stores it.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
TIME_ZONE = "UTC"
USE_TZ = True
USE_I18N = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
