"""Keep an app's own translation catalogues: extract, echo English, fill Chinese, compile.

    python tools/i18n.py sync <app>                  extract the app's strings into
        xiangli/<app>/locale/{zh_Hans,en}, make English echo the msgids, compile,
        and list the Chinese entries still untranslated
    python tools/i18n.py set <app> zh.json           merge {"msgid": "中文", ...} into the
        Chinese catalogue (a plural entry takes one string), then compile
    python tools/i18n.py sync main                   the same for xiangli/locale (the
        strings of every app without a locale/ folder of its own)

Each app that has a locale/ folder keeps its own catalogue, so work on two apps never
edits the same .po file. Run with the project's venv: .venv/bin/python tools/i18n.py …
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xiangli"
PLURALS = {"zh_Hans": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
LANGUAGE = {"zh_Hans": "zh_Hans", "en": "en"}
DJANGO_ADMIN = [sys.executable, "-m", "django"]


def app_dir(app: str) -> Path:
    return PACKAGE if app == "main" else PACKAGE / app


def po_file(app: str, locale: str) -> Path:
    return app_dir(app) / "locale" / locale / "LC_MESSAGES" / "django.po"


def fix_header(po: polib.POFile, locale: str) -> None:
    po.metadata.update({
        "Project-Id-Version": "xiangli",
        "Language": LANGUAGE[locale],
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURALS[locale],
    })
    po.metadata_is_fuzzy = False


def compile_app(app: str) -> None:
    for locale in PLURALS:
        path = po_file(app, locale)
        po = polib.pofile(str(path))
        po.save_as_mofile(str(path.with_suffix(".mo")))


def sync(app: str) -> None:
    where = app_dir(app)
    (where / "locale").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if app == "main":
        env["DJANGO_SETTINGS_MODULE"] = "xiangli.settings"
        extra = ["--ignore", "*/.venv/*"]
        # Apps with a catalogue of their own are left to `sync <app>`.
        for own in sorted(PACKAGE.glob("*/locale")):
            extra += ["--ignore", own.parent.name]
    else:
        env.pop("DJANGO_SETTINGS_MODULE", None)  # app mode: only this folder's strings
        extra = []
    subprocess.run(  # noqa: S603 -- our own fixed command line
        [*DJANGO_ADMIN, "makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete", "--no-location", *extra],
        cwd=where, env=env, check=True, capture_output=True,
    )
    for locale in PLURALS:
        path = po_file(app, locale)
        po = polib.pofile(str(path))
        fix_header(po, locale)
        for entry in po:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
            if locale == "en":
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                else:
                    entry.msgstr = entry.msgid
        po.save(str(path))
    compile_app(app)
    missing = [e.msgid for e in polib.pofile(str(po_file(app, "zh_Hans"))) if not e.translated()]
    print(json.dumps({m: "" for m in missing}, ensure_ascii=False, indent=1) if missing else "All translated.")


def set_translations(app: str, source: str) -> None:
    wanted: dict[str, str] = json.loads(Path(source).read_text(encoding="utf-8"))
    path = po_file(app, "zh_Hans")
    po = polib.pofile(str(path))
    for entry in po:
        text = wanted.get(entry.msgid)
        if not text:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
    po.save(str(path))
    compile_app(app)
    missing = [e.msgid for e in po if not e.translated()]
    print(f"Untranslated: {missing}" if missing else "All translated.")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("sync", "set"):
        sys.exit(__doc__)
    if sys.argv[1] == "sync":
        sync(sys.argv[2])
    else:
        set_translations(sys.argv[2], sys.argv[3])
