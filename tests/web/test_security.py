"""The security settings at work: session timeouts, CSRF, secure headers and the content
security policy, no caching of patient data, and no identifiable data in logs or error pages.

Sessions are real: a therapist signs in through the login form, and time is moved by moving
the session's own timestamps back (its expiry in the session table, its start in its data).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_django.fixtures
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from alliance.web import actions
from alliance.web.actions.accounts import token_digest
from alliance.web.middleware import SESSION_STARTED
from alliance.web.models import ApiToken, AuditEvent, Patient, Role
from tests.web.conftest import PASSWORD, World, api_client

pytestmark = pytest.mark.django_db

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
IDENTIFIERS = ["Ada Example", "Ada", "MRN-1", "1980-05-17"]
"""The conftest patient's name, record number and date of birth: never in a log or error."""


def _signed_in(username: str = "owner") -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the sign-in failed"
    assert client.get("/api/patients").status_code == 200
    return client


def _session_key(client: Client) -> str:
    return client.cookies["sessionid"].value


def _idle_for(client: Client, idle: timedelta) -> None:
    """As if the last request had been ``idle`` ago: move the session's expiry back."""
    session = Session.objects.get(session_key=_session_key(client))
    session.expire_date = session.expire_date - idle
    session.save()


def _started_ago(client: Client, age: timedelta) -> None:
    """As if the session had started ``age`` ago, however active since."""
    store = SessionStore(session_key=_session_key(client))
    store[SESSION_STARTED] = time.time() - age.total_seconds()
    store.save()


# Idle and absolute session timeouts


def test_it_keeps_a_session_idle_for_29_minutes_and_extends_it(world: World) -> None:
    client = _signed_in()
    _idle_for(client, timedelta(minutes=29))
    assert client.get("/api/patients").status_code == 200
    expiry = Session.objects.get(session_key=_session_key(client)).expire_date
    assert abs(expiry - (timezone.now() + IDLE)) < timedelta(minutes=1)


def test_it_ends_a_session_idle_for_31_minutes(world: World) -> None:
    client = _signed_in()
    _idle_for(client, timedelta(minutes=31))
    assert client.get("/api/patients").status_code == 401
    assert client.get(f"/patients/{world.patient.pk}/").status_code == 302


def test_it_keeps_an_active_session_for_11_hours_59_minutes(world: World) -> None:
    client = _signed_in()
    _started_ago(client, ABSOLUTE - timedelta(minutes=1))
    assert client.get("/api/patients").status_code == 200


def test_it_ends_an_active_session_after_12_hours(world: World) -> None:
    client = _signed_in()
    key = _session_key(client)
    _started_ago(client, ABSOLUTE + timedelta(minutes=1))
    assert client.get("/api/patients").status_code == 401
    assert client.get("/api/patients").status_code == 401
    assert not Session.objects.filter(session_key=key).exists()


def test_it_dates_the_absolute_lifetime_from_the_first_signed_in_request(world: World) -> None:
    client = _signed_in()
    store = SessionStore(session_key=_session_key(client))
    assert abs(float(store[SESSION_STARTED]) - time.time()) < 60


# API tokens: the sessions' limits, revocable, one per client


def _token(client: str = "api", username: str = "owner") -> str:
    body = {"username": username, "password": PASSWORD, "client": client}
    response = Client().post("/api/auth/token", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def _status(token: str) -> int:
    return Client(headers={"Authorization": f"Bearer {token}"}).get("/api/patients").status_code


def _token_moved_back(token: str, *, used: timedelta, issued: timedelta = timedelta(0)) -> None:
    """As if the token had last been used ``used`` ago and issued ``issued`` ago."""
    row = ApiToken.objects.get(digest=token_digest(token))
    row.last_used_at -= used
    row.created_at -= issued
    row.expires_at -= issued
    row.save()


def test_it_keeps_a_token_idle_for_29_minutes_and_ends_one_idle_for_31(world: World) -> None:
    kept, ended = _token("kept"), _token("ended")
    _token_moved_back(kept, used=timedelta(minutes=29))
    _token_moved_back(ended, used=timedelta(minutes=31))
    assert (_status(kept), _status(ended)) == (200, 401)
    row = ApiToken.objects.get(digest=token_digest(kept))
    assert timezone.now() - row.last_used_at < timedelta(minutes=1)  # the use counted


def test_it_ends_an_active_token_12_hours_after_it_was_issued(world: World) -> None:
    kept, ended = _token("kept"), _token("ended")
    _token_moved_back(kept, used=timedelta(0), issued=ABSOLUTE - timedelta(minutes=1))
    _token_moved_back(ended, used=timedelta(0), issued=ABSOLUTE + timedelta(minutes=1))
    assert (_status(kept), _status(ended)) == (200, 401)


def test_it_bounds_tokens_by_the_session_settings(
    world: World, settings: pytest_django.fixtures.SettingsWrapper
) -> None:
    settings.SESSION_IDLE_SECONDS = 5 * 60
    settings.SESSION_ABSOLUTE_SECONDS = 2 * 3600
    idle, old = _token("idle"), _token("old")
    row = ApiToken.objects.get(digest=token_digest(old))
    assert row.expires_at - row.created_at == timedelta(hours=2)
    _token_moved_back(idle, used=timedelta(minutes=6))
    _token_moved_back(old, used=timedelta(0), issued=timedelta(hours=2, minutes=1))
    assert (_status(idle), _status(old)) == (401, 401)


def test_it_revokes_the_token_presented_and_no_other(world: World) -> None:
    script, notebook = _token("script"), _token("notebook")
    bearer = Client(headers={"Authorization": f"Bearer {script}"})
    assert bearer.delete("/api/auth/token").status_code == 204
    assert (_status(script), _status(notebook)) == (401, 200)
    assert bearer.delete("/api/auth/token").status_code == 401
    assert AuditEvent.objects.filter(action="api_token_revoked", actor=world.owner).count() == 1
    assert _signed_in().delete("/api/auth/token").status_code == 401  # a session has no token


def test_it_keeps_one_token_per_client(world: World) -> None:
    first = _token("script")
    second = _token("script")
    other = _token("notebook")
    assert (_status(first), _status(second), _status(other)) == (401, 200, 200)
    assert ApiToken.objects.filter(user=world.owner).count() == 2
    assert _status(_token()) == 200  # a request naming no client is the client "api"


def test_it_revokes_every_token_of_a_suspended_account(world: World) -> None:
    tokens = [_token("script"), _token("notebook")]
    actions.change_role(world.admin, world.owner, Role.THERAPIST, active=False)
    assert ApiToken.objects.filter(user=world.owner).count() == 0
    actions.change_role(world.admin, world.owner, Role.THERAPIST, active=True)
    assert [_status(t) for t in tokens] == [401, 401]


def test_it_ends_every_token_issued_before_a_password_change(world: World) -> None:
    tokens = [_token("script"), _token("notebook")]
    world.owner.set_password(PASSWORD)  # the same password, as `manage changepassword` sets it
    world.owner.save()
    assert [_status(t) for t in tokens] == [401, 401]
    assert _status(_token("script")) == 200


def test_it_signs_out_to_the_sign_in_page_saying_so_with_nothing_in_the_address(
    world: World,
) -> None:
    client = _signed_in()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "You have signed out." in page.content.decode()
    assert client.get("/api/patients").status_code == 401
    assert not Session.objects.exists()


# CSRF


def test_it_refuses_a_sign_in_without_a_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert refused.status_code == 403
    assert "sessionid" not in client.cookies
    assert not AuditEvent.objects.filter(action="login").exists()

    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    signed_in = client.post(
        "/accounts/login/",
        {"username": "owner", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed_in.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor=world.owner).count() == 1


def test_it_refuses_an_api_write_with_the_session_but_without_a_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    client.post(
        "/accounts/login/",
        {"username": "owner", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    body = {"name": "New Patient"}
    before = Patient.objects.count()
    refused = client.post("/api/patients", body, content_type="application/json")
    assert refused.status_code == 403
    assert Patient.objects.count() == before
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/patients", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201


def test_it_needs_no_csrf_token_with_a_bearer_token(world: World) -> None:
    client = api_client(world.owner)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/patients", {"name": "B"}, content_type="application/json")
    assert response.status_code == 201


# Secure headers, content security policy, no caching


CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _policy(header: str) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(directives)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/accounts/login/", 200),
        ("/api/openapi.json", 200),
        ("/api/patients", 401),
        ("/no/such/page/", 404),
        ("/api/checkin/forged-token", 404),
    ],
)
def test_it_sends_the_content_security_policy_and_secure_headers(
    world: World, path: str, status: int
) -> None:
    response = Client().get(path)
    assert response.status_code == status
    assert _policy(response["Content-Security-Policy"]) == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"


def test_it_forbids_caching_of_every_answer_with_patient_data(world: World) -> None:
    client = _signed_in()
    bearer = api_client(world.owner)
    pk = world.patient.pk
    answers = [
        client.get(f"/patients/{pk}/"),
        client.get("/caseload/"),
        bearer.get(f"/api/patients/{pk}/identity"),
        bearer.get(f"/api/patients/{pk}"),
        bearer.get(f"/api/patients/{pk}/episodes"),
        bearer.get("/api/assessments"),
        api_client(world.researcher).get("/api/export/cohort.csv"),
    ]
    assert [r.status_code for r in answers] == [200] * len(answers)
    assert [r["Cache-Control"] for r in answers] == ["no-store"] * len(answers)
    assert "Ada Example" in answers[0].content.decode()


# No identifiable data in logs or error pages


def test_it_logs_no_identifiable_data_while_identity_is_read(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    pk = world.patient.pk
    owner = _signed_in()
    owner.get(f"/patients/{pk}/")
    owner.get("/caseload/?q=Ada")
    api_client(world.owner).get(f"/api/patients/{pk}/identity")
    api_client(world.colleague).get(f"/api/patients/{pk}/identity")
    api_client(world.outsider).get(f"/api/patients/{pk}/identity")
    api_client(world.researcher).get(f"/api/patients/{pk}/identity")
    api_client(world.owner).get(f"/api/patients/{pk + 1000}/identity")
    _signed_in("outsider").get(f"/patients/{pk}/")
    register = {"name": "Ada Example", "record_number": "MRN-1", "date_of_birth": "1980-05-17"}
    api_client(world.owner).post("/api/patients", register, content_type="application/json")
    bad = register | {"date_of_birth": "Ada Example"}
    api_client(world.owner).post("/api/patients", bad, content_type="application/json")
    assert any(r.levelno >= logging.WARNING for r in caplog.records), "no 404 was logged"
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert [text for text in IDENTIFIERS if text in logged] == []


def test_it_answers_a_404_with_a_generic_page(world: World) -> None:
    client = _signed_in("outsider")
    for path in (f"/patients/{world.patient.pk}/", "/patients/Ada-Example-MRN-1/"):
        response = client.get(path)
        assert response.status_code == 404
        page = response.content.decode()
        assert "Ada" not in page
        assert "MRN" not in page
        assert "Traceback" not in page


def _production(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with Django set up in production mode (HTTPS on, no DEBUG), its
    database a fresh file that has never been migrated."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    env |= {
        "ALLIANCE_DATA_DIR": str(tmp_path),
        "ALLIANCE_SECRET_KEY": "production-" + "k1x2y3z4w5" * 5,
        "DJANGO_SETTINGS_MODULE": "alliance.web.settings",
    }
    prelude = (
        "import json, django; django.setup(); from django.test import Client; "
        "client = Client(HTTP_HOST='localhost', raise_request_exception=False)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + script], env=env, capture_output=True, text=True
    )


def test_it_sends_hsts_redirects_to_https_and_secures_cookies_in_production(
    tmp_path: Path,
) -> None:
    result = _production(
        tmp_path,
        "plain = client.get('/accounts/login/')\n"
        "page = client.get('/accounts/login/', secure=True)\n"
        "print(json.dumps({'plain': [plain.status_code, plain['Location']],\n"
        "  'status': page.status_code, 'headers': dict(page.headers),\n"
        "  'csrf': dict(page.cookies['csrftoken'])}))",
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["plain"] == [301, "https://localhost/accounts/login/"]
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert _policy(headers["Content-Security-Policy"]) == CSP
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert seen["csrf"]["secure"] is True
    assert seen["csrf"]["samesite"] == "Lax"


def test_it_shows_generic_404_and_500_pages_in_production(tmp_path: Path) -> None:
    """A database without its tables makes any request that needs it fail: a real 500."""
    result = _production(
        tmp_path,
        "missing = client.get('/no/such/page/123456/', secure=True)\n"
        "failed = client.post('/api/auth/token', {'username': 'Ada Example', 'password': "
        "'MRN-1 1980-05-17'}, content_type='application/json', secure=True)\n"
        "print(json.dumps([[r.status_code, r['Content-Type'], r.content.decode()]\n"
        "  for r in (missing, failed)]))",
    )
    assert result.returncode == 0, result.stderr
    (missing, missing_type, missing_page), (failed, failed_type, failed_page) = json.loads(
        result.stdout
    )
    assert (missing, failed) == (404, 500)
    assert missing_type.startswith("text/html")
    assert failed_type.startswith("text/html")
    assert "Not Found" in missing_page
    assert "Server Error (500)" in failed_page
    assert "123456" not in missing_page
    for page in (missing_page, failed_page):
        assert [text for text in IDENTIFIERS if text in page] == []
        assert "Traceback" not in page
        assert "axes" not in page
        assert "sqlite" not in page.lower()
    assert "Internal Server Error: /api/auth/token" in result.stderr
    assert [text for text in IDENTIFIERS if text in result.stderr] == []
