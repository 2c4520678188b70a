"""The settings the web tests run with: the server's own, in test mode."""

import os

os.environ.setdefault("ALLIANCE_MODE", "test")

from alliance.web.settings import *  # noqa: F403

# Argon2 is deliberately slow; the tests create many users. Production keeps Argon2
# (tests/web/test_settings.py checks it).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
