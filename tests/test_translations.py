"""The translation catalogues: complete, placeholders kept, .mo in step with .po, and used.

zh-Hans is the default UI language and English the source language of the msgids.
The compiled .mo files are committed (a fresh machine needs no gettext tools), so a
.po edited without `manage.py compilemessages` must fail here.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

PACKAGE = Path(settings.BASE_DIR)
# The main catalogue (xiangli/locale) and each app's own (xiangli/<app>/locale).
CATALOGUES = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.glob("**/locale") if ".venv" not in p.parts)
# Directory name under locale/ -> the plural rule the catalogue must declare.
LOCALES = {
    "zh_Hans": "nplurals=1; plural=0;",
    "en": "nplurals=2; plural=(n != 1);",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def po_path(catalogue: str, locale: str) -> Path:
    return PACKAGE / catalogue / locale / "LC_MESSAGES" / "django.po"


def load_po(catalogue: str, locale: str) -> polib.POFile:
    return polib.pofile(str(po_path(catalogue, locale)))


each_catalogue = pytest.mark.parametrize(("catalogue", "locale"), [(c, lo) for c in CATALOGUES for lo in LOCALES])


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"


def test_every_ui_language_has_a_catalogue():
    codes = {code for code, _name in settings.LANGUAGES}
    assert {translation.to_locale(code) for code in codes} == set(LOCALES)
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_the_main_catalogue_is_found():
    assert "locale" in CATALOGUES


@each_catalogue
def test_po_header(catalogue, locale):
    po = load_po(catalogue, locale)
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    assert po.metadata["Plural-Forms"] == LOCALES[locale]
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert len(po) > 0


@each_catalogue
def test_every_entry_is_translated_and_not_fuzzy(catalogue, locale):
    po = load_po(catalogue, locale)
    fuzzy = [label(e) for e in po if "fuzzy" in e.flags]
    untranslated = [label(e) for e in po.untranslated_entries() if not e.obsolete]
    empty_plural_forms = [
        label(e)
        for e in po
        if e.msgid_plural
        and (len(e.msgstr_plural) != (1 if locale == "zh_Hans" else 2) or not all(e.msgstr_plural.values()))
    ]
    assert not fuzzy, f"fuzzy entries in {locale}: {fuzzy}"
    assert not untranslated, f"untranslated entries in {locale}: {untranslated}"
    assert not empty_plural_forms, f"plural entries with missing forms in {locale}: {empty_plural_forms}"


@each_catalogue
def test_placeholders_are_kept(catalogue, locale):
    po = load_po(catalogue, locale)
    wrong = []
    for e in po:
        if e.obsolete:
            continue
        if "python-format" in e.flags or PLACEHOLDER.search(e.msgid):
            if e.msgid_plural:
                # The last form serves every n in Chinese; in English form 0 is the singular.
                for i, text in e.msgstr_plural.items():
                    source = e.msgid if (i == 0 and len(e.msgstr_plural) > 1) else e.msgid_plural
                    if placeholders(text) != placeholders(source):
                        wrong.append((label(e), i, text))
            elif placeholders(e.msgstr) != placeholders(e.msgid):
                wrong.append((label(e), None, e.msgstr))
    assert not wrong, f"placeholders differ in {locale}: {wrong}"


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_english_catalogue_echoes_the_source(catalogue):
    po = load_po(catalogue, "en")
    differs = [
        label(e)
        for e in po
        if (e.msgstr_plural != {0: e.msgid, 1: e.msgid_plural} if e.msgid_plural else e.msgstr != e.msgid)
    ]
    assert not differs, f"English msgstr differs from msgid: {differs}"


@each_catalogue
def test_committed_mo_matches_po(catalogue, locale):
    """Run `python manage.py compilemessages --ignore ".venv/*"` when this fails."""
    po = load_po(catalogue, locale)
    mo_path = po_path(catalogue, locale).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    with mo_path.open("rb") as f:
        mo = gettext.GNUTranslations(f)
    assert mo.info().get("plural-forms") == LOCALES[locale]

    stale = []
    expected_keys = set()
    for e in po:
        if e.obsolete or "fuzzy" in e.flags:
            continue
        msgid = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        if e.msgid_plural:
            n_forms = len(e.msgstr_plural)
            for i in range(n_forms):
                expected_keys.add((msgid, i))
                n = 1 if i == 0 else 2
                got = (
                    mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                    if e.msgctxt
                    else mo.ngettext(e.msgid, e.msgid_plural, n)
                )
                if got != e.msgstr_plural[i]:
                    stale.append((label(e), i, got, e.msgstr_plural[i]))
        else:
            expected_keys.add(msgid)
            got = mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt else mo.gettext(e.msgid)
            if got != e.msgstr:
                stale.append((label(e), None, got, e.msgstr))
    assert not stale, f"{mo_path} is out of date (run compilemessages): {stale[:10]}"
    extra = set(mo._catalog) - expected_keys - {""}  # type: ignore[attr-defined]
    assert not extra, (
        f"{mo_path} has entries the .po no longer has (run compilemessages): {sorted(map(str, extra))[:10]}"
    )


def test_gettext_speaks_chinese_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert translation.gettext("Accept") == "受理"
        assert translation.gettext("Proxy agent") == "代办员"
        assert translation.ngettext("%(days)s working day", "%(days)s working days", 3) % {"days": 3} == "3个工作日"
    with translation.override("en"):
        assert translation.gettext("Accept") == "Accept"
        assert translation.ngettext("%(days)s working day", "%(days)s working days", 1) % {"days": 1} == "1 working day"


def test_centre_page_is_in_chinese_by_default(client, world):
    page = client.get(reverse("front:centre", args=[world.village_a.code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'lang="zh-Hans"' in body
    assert "服务事项清单" in body and "5个工作日" in body and "便民服务" in body
    assert "Service list" not in body and "working days" not in body


def test_centre_page_is_in_english_on_request(client, world):
    page = client.get(reverse("front:centre", args=[world.village_a.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'lang="en"' in body
    assert "Service list" in body and "5 working days" in body
    assert "服务事项清单" not in body


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed (.ci/run installs it)")
@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_every_string_in_the_code_has_a_translation(locale: str, tmp_path: Path) -> None:
    """Extract the strings afresh from a copy of the package: none may lack a translation.

    Catches a new {% translate %} or gettext() whose msgid never reached the catalogue.
    """
    package = Path(settings.BASE_DIR)
    copy = tmp_path / "xiangli"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "xiangli.settings",
           "XIANGLI_VAR_DIR": str(tmp_path / "var")}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", locale, "--no-obsolete", "--no-location"],
        cwd=copy, env=env, check=True, capture_output=True,
    )
    missing = []
    for catalogue in CATALOGUES:
        fresh = polib.pofile(str(copy / catalogue / locale / "LC_MESSAGES" / "django.po"))
        missing += [f"{catalogue}: {e.msgid}" for e in fresh if not e.translated() or "fuzzy" in e.flags]
    assert missing == []
