"""Every string of the pages is in French, and the compiled catalogues match their sources.

The page catalogue is checked against a fresh extraction (``makemessages``, which needs GNU
gettext), so a string added to a template, a view or an action's message without a
translation fails here. Pages whose words come from stored values (the audit log) or from a
domain action's refusal are read in French and checked to share no English word with their
English version. The
instrument catalogue must cover every name, label, text, anchor, scale name, cut-off and
class of every bundled instrument, every feedback prompt and every rupture rule's text.
"""

from __future__ import annotations

import ast
import gettext
import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from alliance import instruments, signals
from alliance.signals.suggestions import DEFAULT, PROMPTS
from alliance.web import actions
from alliance.web.views.instrument_text import LOCALE_DIR
from tests.web.conftest import World
from tests.web.pages.helpers import signed_in

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
    for part in ("templates", "views", "actions", "locale"):
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
    texts.update(rule.text for rule in signals.RUPTURE_RULES)
    texts.add(DEFAULT)
    assert sorted(texts - set(read_po(FRENCH / "instruments.po"))) == []


class _Text(HTMLParser):
    """The words a visitor reads: text outside scripts and styles, and the page's title."""

    def __init__(self) -> None:
        super().__init__()
        self.words: set[str] = set()
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.words.update(re.findall(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*", data))


def words(page: bytes) -> set[str]:
    """The words of a page longer than three letters (short ones are shared by chance)."""
    parser = _Text()
    parser.feed(page.decode())
    return {w for w in parser.words if len(w) > 3}


def english_and_french(client: Client, path: str, **post: str) -> tuple[bytes, bytes]:
    """The page at ``path`` (after posting ``post`` to it, if given) in English, then French."""
    pages = []
    for language in ("en", "fr"):
        client.cookies["django_language"] = language
        if post:
            pages.append(client.post(path, post, follow=True).content)
        else:
            pages.append(client.get(path).content)
    return pages[0], pages[1]


def text(page: bytes) -> str:
    """A page's markup with its character references read."""
    return html.unescape(page.decode())


def notices(page: bytes) -> bytes:
    """The error notices of a page, as markup."""
    found = re.findall(rb'<(?:p|li) class="notice error"[^>]*>.*?</(?:p|li)>', page, re.S)
    assert found
    return b"".join(found)


STAFF = {"owner", "colleague", "outsider", "researcher", "lead", "admin"}
"""Usernames: data, the same in every language."""
SAME = {"Alliance", "Bundle", "FHIR", "REDCap", "English", "Français"}
"""Names, and each language's own name in the language switch."""
COGNATES = {"Action", "actions", "Patient", "patient", "Exports", "export", "date"}
COGNATES |= {"questionnaire", "questionnaires"}
"""Words spelt the same in English and French."""


@pytest.mark.django_db
def test_it_shows_the_audit_log_in_french_action_names_included(world: World) -> None:
    actions.read_identity(world.owner, world.patient)
    actions.record_assessment(world.visit, {"checkin": {f"q{n}": 5 for n in range(1, 5)}})
    admin = signed_in(world.admin)
    english, french = english_and_french(admin, "/manage/audit/")
    assert "Patient's details read" in text(english)
    assert "Coordonnées d\u2019un patient consultées" in text(french)
    assert "Alerte déclenchée" in text(french)
    assert "Toutes les actions" in text(french)
    assert words(english) & words(french) <= STAFF | SAME | COGNATES


@pytest.mark.django_db
def test_it_gives_an_actions_refusal_in_french(world: World) -> None:
    admin = signed_in(world.admin)
    english, french = english_and_french(
        admin, "/manage/protocols/", name="Neck", schedule="nosuch: 1"
    )
    assert "nosuch is not a known instrument." in text(notices(english))
    assert "nosuch n\u2019est pas un questionnaire connu." in text(notices(french))
    assert words(notices(english)) & words(notices(french)) <= {"nosuch"}
    names = set().union(
        *(words(f"{d.id} {d.abbreviation}".encode()) for d in instruments.catalog())
    )
    data = {"nosuch", "Neck", "Back"}  # what the admin typed; the conftest's protocol, "Back pain"
    assert words(english) & words(french) <= STAFF | SAME | COGNATES | names | data


@pytest.mark.django_db
def test_it_gives_a_care_pages_refusal_in_french(world: World) -> None:
    owner = signed_in(world.owner)
    path = f"/episodes/{world.episode.pk}/visits/new/"
    english, french = english_and_french(owner, path, date="2025-12-01")
    message = "The visit date cannot come before the start of the episode."
    assert text(notices(english)).count(message) == 1
    french_message = "La date de la séance ne peut pas précéder le début de l\u2019épisode."
    assert text(notices(french)).count(french_message) == 1
    assert words(notices(english)) & words(notices(french)) <= COGNATES
