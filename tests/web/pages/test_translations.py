"""Every string of the pages is in French, and the compiled catalogues match their sources.

The page catalogue is checked against a fresh extraction (``makemessages``, which needs GNU
gettext), so a string added to a template or view without a translation fails here. The
instrument catalogue must cover every name, label, text, anchor, scale name, cut-off and
class of every bundled instrument, and every feedback prompt.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alliance import instruments
from alliance.signals.suggestions import DEFAULT, PROMPTS
from alliance.web.views.instrument_text import LOCALE_DIR

WEB = LOCALE_DIR.parent
FRENCH = LOCALE_DIR / "fr" / "LC_MESSAGES"


def read_po(path: Path) -> dict[str, tuple[str, ...]]:
    """msgid -> its msgstr (or plural msgstrs), with fuzzy entries' ids marked by a '~'."""
    entries: dict[str, tuple[str, ...]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            found = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line)
            if found:
                key = found.group(1)
                fields[key] = ast.literal_eval(found.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            fuzzy = "#, fuzzy" in block
            strings = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr"))
            entries[("~" if fuzzy else "") + fields["msgid"]] = strings
    return entries


@pytest.mark.parametrize("domain", ["django", "instruments"])
def test_it_translates_every_entry_and_ships_the_compiled_catalogue(domain: str) -> None:
    entries = read_po(FRENCH / f"{domain}.po")
    assert entries
    assert [k for k in entries if k.startswith("~")] == []
    assert [k for k, v in entries.items() if not all(v)] == []
    with (FRENCH / f"{domain}.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, strings in entries.items():
        assert compiled.gettext(msgid) == strings[0], msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_it_has_a_translation_for_every_string_in_the_templates_and_views(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "web"
    for part in ("templates", "views", "locale"):
        shutil.copytree(WEB / part, copy / part)
    subprocess.run(
        [
            str(Path(sys.executable).parent / "django-admin"),
            "makemessages",
            "--locale=fr",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.web.settings",
            "PYTHONPATH": str(Path.cwd()),
        },
    )
    fresh = read_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert set(fresh) == set(read_po(FRENCH / "django.po"))


def test_it_has_french_for_the_text_of_every_instrument() -> None:
    texts = set()
    for definition in instruments.catalog():
        texts.add(definition.name)
        for item in definition.items:
            texts.add(item.text or item.label)
            texts.update((item.response or definition.response).anchors.values())
        texts.update(definition.response.anchors.values())
        for scale in definition.scales:
            texts.add(scale.name)
            texts.update(cutoff.label for cutoff in scale.interpretation.cutoffs)
        if definition.classification is not None:
            texts.update(rule.label for rule in definition.classification.rules)
    texts.update(PROMPTS.values())
    texts.add(DEFAULT)
    assert sorted(texts - set(read_po(FRENCH / "instruments.po"))) == []
