"""What every page of a journey must pass, as the people who use Xiangli meet it.

- axe-core (WCAG 2.x A/AA rules and best practices): no serious or critical violation;
- the page is in the language asked for: `<html lang>` says so, a Chinese page shows
  no untranslated English words, an English page's labels, buttons and headings no Chinese;
- resident pages (body.resident), for elderly people on small phones: base text of at
  least 18 px, every touch target at least 44 px each way (links inside a sentence
  excepted, as WCAG 2.5.8 does), nothing wider than the screen.

Keyboard reach, error messages tied to their fields and page weight are separate
helpers, used by the tests that need them.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent / "node/node_modules/axe-core/axe.min.js"
MIN_FONT_PX = 18
MIN_TARGET_PX = 44
MAX_FIRST_LOAD_BYTES = 150 * 1024

# Words a Chinese page may show in Latin letters: units and names that are not UI text.
LATIN_ALLOWED = {"English"}

# The interactive elements a person taps or tabs to.
INTERACTIVE = "a[href], button, input:not([type=hidden]), select, textarea, summary"

_SIZES_JS = """([selector, minPx]) => {
  const out = {fontSize: parseFloat(getComputedStyle(document.body).fontSize), small: [],
               overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
  const sentence = (el) => [...el.parentElement.childNodes].some(
    n => n !== el && n.nodeType === Node.TEXT_NODE && n.textContent.trim().length > 0);
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('[hidden]') || el.classList.contains('skip')) continue;
    // A radio or checkbox is tapped through its label.
    const target = (el.type === 'radio' || el.type === 'checkbox') && el.closest('label') ? el.closest('label') : el;
    const r = target.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (el.tagName === 'A' && style.display === 'inline' && sentence(el)) continue;
    if (r.height < minPx - 0.5 || r.width < minPx - 0.5) {
      const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`;
      const text = (el.innerText || el.value || '').trim().slice(0, 30);
      out.small.push(`${name} "${text}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return out;
}"""

# Text a person reads, without the language menu and anything marked as another language.
_TEXT_JS = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    // Notes people wrote (and the names of files they sent) are theirs, in any language.
    if (el.closest('script, style, select, [lang]:not(html), .timeline .note')) continue;
    if (!el.checkVisibility()) continue;
    parts.push(node.textContent);
  }
  return parts.join(' ');
}"""

# UI words on an English page: labels, buttons, headings of sections, table heads, menus.
_UI_TEXT_JS = """() => [...document.querySelectorAll(
  'label, button, th, dt, legend, summary, h2, .chips a, header nav a, .foot label')]
  .filter(el => !el.closest('select, [lang]:not(html)'))
  .map(el => el.innerText.trim())"""

_AXE_JS = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))}));
}"""

_CJK = re.compile(r"[\u3400-\u9fff]")
# Words, not codes: an untranslated string has lower-case letters; "CUTU" or "PDF" does not,
# and the extension of a file name someone sent ("说明.png") is theirs.
_LATIN_WORD = re.compile(r"(?<![A-Za-z.])(?=[A-Za-z]*[a-z])[A-Za-z]{3,}(?![A-Za-z])")  # not a file's .png


@dataclass
class Report:
    """Pages checked in this test process, by route, with the variants they were checked in."""

    pages: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    shapes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def saw(self, route: str, variant: str) -> None:
        self.pages[route].add(variant)

    def summary(self) -> str:
        return "".join(f"{route}\t{', '.join(sorted(v))}\n" for route, v in sorted(self.pages.items()))


def route_of(url: str) -> str:
    """/me/cases/123/ -> /me/cases/N/: the page, not the object."""
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
    return re.sub(r"/\d+/", "/N/", path)


# What axe looks at on a page: its forms, fields, lists and messages. A page seen again
# with the same structure (the login page before each journey) is not checked again.
_SHAPE_JS = """() => [...document.querySelectorAll(
  'form, input, select, textarea, button, a, .errorlist, .messages li, details, table, fieldset')]
  .map(e => e.tagName + (e.type || '') + e.className).join(',')"""


def axe_violations(page: Any, seen: set[str] | None = None) -> list[dict[str, Any]]:
    if seen is not None:
        shape = f"{route_of(page.url)}|{page.evaluate(_SHAPE_JS)}"
        if shape in seen:
            return []
        seen.add(shape)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate(_AXE_JS)
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def language_problems(page: Any, lang: str) -> list[str]:
    problems = []
    html_lang = page.evaluate("() => document.documentElement.lang")
    expected = "zh-Hans" if lang == "zh-hans" else "en"
    if html_lang != expected:
        problems.append(f"<html lang={html_lang!r}>, expected {expected!r}")
    if lang == "zh-hans":
        words = set(_LATIN_WORD.findall(page.evaluate(_TEXT_JS))) - LATIN_ALLOWED
        if words:
            problems.append(f"untranslated English on a Chinese page: {sorted(words)}")
    else:
        chinese = [t for t in page.evaluate(_UI_TEXT_JS) if _CJK.search(t)]
        if chinese:
            problems.append(f"Chinese UI text on an English page: {chinese[:8]}")
    return problems


def size_problems(page: Any) -> list[str]:
    if not page.evaluate("() => document.body.classList.contains('resident')"):
        return []
    sizes = page.evaluate(_SIZES_JS, [INTERACTIVE, MIN_TARGET_PX])
    problems = []
    if sizes["fontSize"] < MIN_FONT_PX:
        problems.append(f"base text {sizes['fontSize']} px < {MIN_FONT_PX} px")
    if sizes["small"]:
        problems.append(f"touch targets under {MIN_TARGET_PX} px: {sizes['small']}")
    if sizes["overflow"] > 0:
        problems.append(f"the page is {sizes['overflow']} px wider than the screen")
    return problems


def check_page(page: Any, *, lang: str, variant: str, report: Report) -> None:
    """Fail with every problem of the page at once, named by its address."""
    problems = [
        *(f"axe {v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}"
          for v in axe_violations(page, report.shapes[variant])),
        *language_problems(page, lang),
        *size_problems(page),
    ]
    report.saw(route_of(page.url), variant)
    if problems and os.environ.get("XIANGLI_E2E_SOFT"):
        # Survey mode: list every problem of the run instead of stopping at the first page.
        print(f"\nE2E {route_of(page.url)} [{variant}]:\n  " + "\n  ".join(problems))
        return
    assert not problems, f"{route_of(page.url)} [{variant}]:\n  " + "\n  ".join(problems)


# -- helpers for the tests that need them -------------------------------------------

_TAG_JS = """(selector) => {
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility() || el.disabled || el.tabIndex < 0) continue;
    el.dataset.kb = el.type === 'radio' ? `radio:${el.name}` : String(n++);
  }
  return [...new Set([...document.querySelectorAll('[data-kb]')].map(el => el.dataset.kb))];
}"""


def keyboard_unreached(page: Any) -> list[str]:
    """Tab through the page; what a keyboard never reaches (a radio group counts once)."""
    wanted = page.evaluate(_TAG_JS, INTERACTIVE)
    reached: set[str] = set()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(len(wanted) + 5):
        page.keyboard.press("Tab")
        key = page.evaluate("() => document.activeElement && document.activeElement.dataset.kb")
        if key:
            reached.add(key)
        if reached >= set(wanted):
            break
    missing = [k for k in wanted if k not in reached]
    return [page.evaluate(
        "(k) => { const el = document.querySelector(`[data-kb='${k}']`); return el.outerHTML.slice(0, 120); }", k)
        for k in missing]


def errors_not_tied(page: Any) -> list[str]:
    """Every field error must be announced with its field: aria-invalid and aria-describedby -> the message."""
    return list(page.evaluate("""() => {
      const bad = [];
      for (const list of document.querySelectorAll('.errorlist:not(.nonfield)')) {
        const field = list.id && document.querySelector(`[aria-describedby~="${list.id}"]`);
        if (!field) { bad.push(`no field describes the error "${list.innerText.trim()}"`); continue; }
        const input = field.matches('fieldset') ? field.querySelector('input') : field;
        if (!field.matches('fieldset') && input.getAttribute('aria-invalid') !== 'true')
          bad.push(`${input.name} is not marked aria-invalid`);
      }
      return bad;
    }"""))


def first_load_bytes(page: Any) -> int:
    """Bytes of the document and everything it loaded, as sent (compressed), in a context with an empty cache."""
    return int(page.evaluate("""() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return [nav, ...performance.getEntriesByType('resource')]
        .reduce((sum, e) => sum + Math.max(e.transferSize, e.encodedBodySize), 0);
    }"""))
