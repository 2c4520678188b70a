"""A clinic's own instruments, imported from a FHIR Questionnaire or a REDCap dictionary.

They are installed as definition files in the data directory's ``instruments`` folder, which
the faces register with the instrument library (``register``), so ``instruments.load`` and the
catalogue find them beside the bundled ones. An id that already exists, bundled or installed,
is refused: an installed definition never replaces another.
"""

from __future__ import annotations

from pathlib import Path

from alliance.datadir import data_dir
from alliance.instruments import Definition, library
from alliance.interop.definition_drafts import definition_yaml
from alliance.interop.output_files import write_text


class InstrumentExistsError(ValueError):
    """An instrument with this id is already bundled or installed."""


def installed_folder() -> Path:
    """The data directory's folder of installed definitions."""
    return data_dir() / "instruments"


def register() -> None:
    """Make the instrument library look in the data directory's folder too."""
    library.use_installed_definitions(installed_folder)


def install_definition(definition: Definition) -> Path:
    """Write ``definition`` into the installed folder; refuse an id that exists already."""
    register()
    if definition.id in library.bundled_ids():
        raise InstrumentExistsError(
            f"{definition.id!r} is a bundled instrument; give the imported one another id"
        )
    if definition.id in library.ids():
        raise InstrumentExistsError(f"an instrument {definition.id!r} is already installed")
    folder = library.installed_dir() or installed_folder()
    target = folder / f"{definition.id}.yaml"
    text = definition_yaml(definition)
    library.parse_definition(text, target.name)
    write_text(target, text)
    return target
