"""The patient check-in pages, served without a browser: the form, server-side validation,
single use, expiry, wording and language."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from alliance.web.models import Assessment, CheckinLink
from tests.web.conftest import World
from tests.web.pages.helpers import CHECKIN_ODI, checkin_path

pytestmark = pytest.mark.django_db


def test_it_shows_the_visits_instruments_without_naming_the_patient(world: World) -> None:
    path = checkin_path(world.owner, world.visit)
    page = Client().get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Check-in · Alliance</title>" in html
    assert html.count('class="step"') == 2  # the check-in, then the ODI
    assert html.index("checkin-q1") < html.index("odi-q1")
    assert "Ada" not in html
    assert world.patient.code not in html
    assert "MRN-1" not in html


def test_it_stores_a_complete_check_in_and_thanks_the_patient(world: World) -> None:
    response = Client().post(checkin_path(world.owner, world.visit), CHECKIN_ODI)
    assert response.status_code == 302
    assert response["Location"] == "/checkin/thanks/"
    stored = {a.instrument_id: a for a in Assessment.objects.all()}
    assert stored["checkin"].answers == {f"q{n}": 7 for n in range(1, 5)}
    assert stored["checkin"].scores["total"] == 7.0
    # ODI: ten answers of 1 out of 5 each is 10 of 50, i.e. 20 % disability
    assert stored["odi"].scores["total"] == 20.0
    assert stored["odi"].link is not None


def test_it_refuses_an_incomplete_or_impossible_answer_and_stores_nothing(world: World) -> None:
    path = checkin_path(world.owner, world.visit)
    posted = {**CHECKIN_ODI, "checkin-q2": "", "odi-q3": "9"}
    response = Client().post(path, posted)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Please choose an answer." in html
    assert "Please choose one of the answers shown." in html
    assert 'value="7" checked' in html  # the other answers are kept
    assert Assessment.objects.count() == 0
    assert CheckinLink.objects.get().used_at is None
    assert Client().post(path, CHECKIN_ODI).status_code == 302


def test_it_stores_a_repeated_submission_once_and_then_says_the_link_was_used(
    world: World,
) -> None:
    path = checkin_path(world.owner, world.visit)
    first = Client().post(path, CHECKIN_ODI)
    again = Client().post(path, CHECKIN_ODI)
    assert first.status_code == again.status_code == 302
    assert Assessment.objects.count() == 2
    different = Client().post(path, {**CHECKIN_ODI, "checkin-q1": "0"})
    assert different.status_code == 410
    assert "already been sent" in different.content.decode()
    opened = Client().get(path)
    assert opened.status_code == 410
    assert "These answers have already been sent" in opened.content.decode()


def test_it_says_an_expired_link_has_expired_and_a_forged_one_is_not_recognised(
    world: World,
) -> None:
    path = checkin_path(world.owner, world.visit)
    CheckinLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = Client().get(path)
    assert expired.status_code == 410
    assert "This check-in link has expired" in expired.content.decode()
    assert Client().post(path, CHECKIN_ODI).status_code == 410
    forged = Client().get(path[:-4] + "xyz/")
    assert forged.status_code == 404
    assert "We could not open this check-in" in forged.content.decode()
    assert Assessment.objects.count() == 0


def test_it_shows_topic_labels_with_a_notice_until_licensed_wording_is_installed(
    world: World, data_dir: object
) -> None:
    from pathlib import Path

    path = checkin_path(world.owner, world.visit)
    before = Client().get(path).content.decode()
    assert "The licensed wording of the ODI is not installed" in before
    assert "1. Pain intensity" in before
    wording = Path(str(data_dir)) / "wording"
    wording.mkdir(parents=True)
    texts = {f"q{n}": f"Licensed question {n} as printed" for n in range(1, 11)}
    payload = {"instrument": "odi", "source": "licence.csv", "texts": texts}
    (wording / "odi.json").write_text(json.dumps(payload), encoding="utf-8")
    after = Client().get(path).content.decode()
    assert "not installed" not in after
    assert "1. Licensed question 1 as printed" in after


def test_it_speaks_french_with_french_dates_and_numbers(world: World) -> None:
    path = checkin_path(world.owner, world.visit)
    page = Client().get(path, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in page
    assert "Comment ça se passe ?" in page
    assert "5 janvier 2026" in page  # the visit's date, 2026-01-05
    assert "Mon thérapeute et moi sommes d\u2019accord sur ce que je veux atteindre." in page
    assert "0 = pas du tout" in page
    assert "Envoyer mes réponses" in page
    wrong = Client().post(path, {}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Merci de choisir une réponse." in wrong
