"""The settings the web tests run with: the server's own, in test mode."""

import os

os.environ.setdefault("ALLIANCE_MODE", "test")

from alliance.web.settings import *  # noqa: F403

# Argon2 is deliberately slow; the tests create many users. Production keeps Argon2
# (tests/web/test_settings.py checks it).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The server's engines, whose flush lifts the audit trail's removal triggers for the cleanup
# between tests (see tests/web/backends): the application's own engines never do.
DATABASES["default"]["ENGINE"] = {  # noqa: F405
    "alliance.web.sqlite": "tests.web.backends.sqlite",
    "django.db.backends.postgresql": "tests.web.backends.postgresql",
}[DATABASES["default"]["ENGINE"]]  # noqa: F405

# Each test run gets its own PostgreSQL test database, so that two runs on one server (a
# developer's and CI's) never fight over Django's default "test_<name>".
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_alliance_{os.getpid()}"}  # noqa: F405
