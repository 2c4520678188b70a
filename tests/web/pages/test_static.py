"""Every script and style comes from the application itself: nothing from another origin."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.conftest import World
from tests.web.pages.helpers import checkin_path, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/static/alliance/app.css", "text/css"),
        ("/static/alliance/checkin.js", "text/javascript"),
        ("/static/alliance/chart.js", "text/javascript"),
        ("/static/alliance/icon.svg", "image/svg+xml"),
    ],
)
def test_it_serves_its_own_scripts_and_styles(path: str, kind: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)


def test_it_links_nothing_from_another_origin(world: World) -> None:
    pages = [
        Client().get(checkin_path(world.owner, world.visit)).content.decode(),
        signed_in(world.owner).get(f"/patients/{world.patient.pk}/").content.decode(),
    ]
    for html in pages:
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources
        assert [s for s in sources if "//" in s] == []
    assert Client().get("/static/../settings.py").status_code in (400, 404)
    assert Client().get("/static/alliance/../../settings.py").status_code in (400, 404)
