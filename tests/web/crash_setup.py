"""Run as a script by the crash test: a clinic with one visit per link, tokens on stdout.

``python -m tests.web.crash_setup N`` prints N check-in link paths as JSON; ``--count``
prints how many assessments there are, and how many distinct links they came through.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from alliance.web.server import migrate, setup


def main(argv: list[str]) -> None:
    setup(None)
    from alliance.web import actions
    from alliance.web.models import Assessment, Role

    if argv[0] == "--count":
        links = Assessment.objects.values_list("link_id", flat=True)
        print(json.dumps({"assessments": len(links), "links": len(set(links))}))
        return
    migrate()
    clinic = actions.create_clinic("Crash clinic")
    therapist = actions.create_user(None, clinic, "crash", Role.THERAPIST, "a long crash password")
    patient = actions.register_patient(therapist, name="Crash Patient")
    episode = actions.open_episode(
        therapist,
        patient,
        condition="low back pain",
        body_region="lumbar",
        setting="outpatient",
        start_date=dt.date(2026, 1, 1),
    )
    paths = []
    for _ in range(int(argv[0])):
        visit = actions.schedule_visit(therapist, episode, dt.date(2026, 1, 2))
        _, token = actions.issue_checkin_link(therapist, visit)
        paths.append(f"/api/checkin/{token}")
    print(json.dumps(paths))


if __name__ == "__main__":
    main(sys.argv[1:])
