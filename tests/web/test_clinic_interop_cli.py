"""`alliance export ... --as` and `alliance import fhir-bundle --as`: the clinic database through
the same audited actions, refused for the wrong role."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance.cli import main
from alliance.web.models import Assessment, AuditEvent
from tests.web.conftest import World
from tests.web.test_clinic_interop import seed

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_researcher_exports_de_identified_files_but_no_bundle(
    world: World, tmp_path: Path
) -> None:
    seed(world)
    code, output = run("export", "research", "--as", "researcher", "-o", str(tmp_path / "r"))
    assert code == 0, output
    assert (tmp_path / "r" / "deidentification.md").is_file()
    bundle = tmp_path / "b.json"
    code, output = run("export", "fhir-bundle", "--as", "researcher", "--identifiable",
                       "-o", str(bundle))  # fmt: skip
    assert code == 1
    assert "may not make an identifiable export" in output
    assert not bundle.exists()
    code, output = run("export", "research", "--as", "researcher", "--identifiable",
                       "-o", str(tmp_path / "i"))  # fmt: skip
    assert code == 1
    assert not (tmp_path / "i").exists()
    assert AuditEvent.objects.filter(action="research_exported").count() == 1
    assert not AuditEvent.objects.filter(action="research_identifiable_exported").exists()


def test_an_admins_bundle_imports_into_another_clinic_once(world: World, tmp_path: Path) -> None:
    seed(world)
    bundle = tmp_path / "b.json"
    code, output = run("export", "fhir-bundle", "--as", "admin", "--identifiable",
                       "-o", str(bundle))  # fmt: skip
    assert code == 0, output
    assert "22 entries" in output
    args = ("import", "fhir-bundle", str(bundle), "--as", "other-admin",
            "--therapist", "other-therapist")  # fmt: skip
    code, output = run(*args)
    assert code == 0, output
    assert "5 new assessments" in output
    assert Assessment.objects.filter(patient__clinic=world.other_clinic).count() == 5
    code, output = run(*args)
    assert code == 0, output
    assert "0 new assessments" in output
    assert "5 duplicates skipped" in output


def test_a_therapist_cannot_export_and_a_source_is_required(world: World, tmp_path: Path) -> None:
    seed(world)
    code, output = run("export", "redcap-project", "--as", "owner", "-o", str(tmp_path / "r"))
    assert code == 1
    assert "may not make a research export" in output
    code, output = run("export", "research", "-o", str(tmp_path / "r"))
    assert code == 2
    assert "--as USERNAME" in output
    assert not (tmp_path / "r").exists()


def test_a_named_clinic_must_be_the_staff_members_own(world: World, tmp_path: Path) -> None:
    seed(world)
    out = tmp_path / "r"
    code, output = run("export", "research", "--as", "researcher", "--clinic", "Clinic B",
                       "-o", str(out))  # fmt: skip
    assert code == 1
    assert "researcher is not on the staff of the clinic 'Clinic B'" in output
    assert not out.exists()
    code, output = run("export", "research", "--as", "researcher", "--clinic", "Clinic A",
                       "-o", str(out))  # fmt: skip
    assert code == 0, output
    assert (out / "wide.sav").is_file()
