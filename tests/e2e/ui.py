"""A person at a browser: one context (cookies, language, screen) and its page.

Journeys are written with the English msgids of the UI; `ui.t(...)` turns them into
what the page shows in the variant's language, through the same catalogues the
server uses, so a journey reads the same in both languages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from PIL import Image

from .checks import Report, check_page

PASSWORD = "xiangli2026"  # noqa: S105 -- the demo's published password
RESIDENT = "13800000001"  # 王秀英, resident of the demo village
AGENT = "13900000001"  # the proxy agent of the demo village
COUNTY_ADMIN = "13900000005"  # the demo county's administrator, also its tip desk
VOLUNTEER = "13900000008"  # 吴春燕, volunteer of the demo village


@dataclass(frozen=True)
class Variant:
    lang: str  # Django's code: zh-hans or en
    width: int
    height: int
    index: int  # distinct per variant, so runs in one server pick different data

    @property
    def id(self) -> str:
        return f"{'zh-Hans' if self.lang == 'zh-hans' else 'en'}-{self.width}x{self.height}"

    @property
    def phone(self) -> bool:
        return self.width < 600


VARIANTS = [
    Variant("zh-hans", 360, 740, 0),
    Variant("en", 360, 740, 1),
    Variant("zh-hans", 1366, 768, 2),
    Variant("en", 1366, 768, 3),
]


def png(name: str = "photo.png", colour: str = "#c33") -> dict[str, Any]:
    """A small real photo of a material, as Playwright uploads it."""
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buf.getvalue()}


class Ui:
    def __init__(self, context: Any, base: str, variant: Variant, report: Report, javascript: bool) -> None:
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = base
        self.variant = variant
        self.report = report
        self.javascript = javascript

    @classmethod
    def open(cls, browser: Any, base: str, variant: Variant, *, report: Report, javascript: bool = True) -> Ui:
        context = browser.new_context(
            viewport={"width": variant.width, "height": variant.height},
            device_scale_factor=1,
            is_mobile=variant.phone,
            has_touch=variant.phone,
            locale="zh-CN" if variant.lang == "zh-hans" else "en-US",
            java_script_enabled=javascript,
            # axe-core is injected into the page; the site's CSP rightly refuses inline scripts.
            bypass_csp=True,
        )
        context.add_cookies([{"name": "django_language", "value": variant.lang, "url": base}])
        return cls(context, base, variant, report, javascript)

    def close(self) -> None:
        self.context.close()

    def tab(self) -> Ui:
        """A second tab of the same browser: the same person, cookies and screen."""
        return Ui(self.context, self.base, self.variant, self.report, self.javascript)

    # -- words ------------------------------------------------------------------
    def t(self, msgid: Any, **values: Any) -> str:
        """The UI text for an English msgid (or a lazy label) in this variant's language."""
        with translation.override(self.variant.lang):
            text = translation.gettext(msgid) if isinstance(msgid, str) else str(msgid)
        return text % values if values else text

    def tn(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The UI text for an English msgid with a plural ({% blocktranslate count %}), for n."""
        with translation.override(self.variant.lang):
            text = translation.ngettext(singular, plural, n)
        return text % {"n": n, **values}

    # -- moving around ------------------------------------------------------------
    def check(self) -> None:
        """The page passes axe, speaks the variant's language and suits small screens."""
        if self.javascript:
            check_page(self.page, lang=self.variant.lang, variant=self.variant.id, report=self.report)

    def goto(self, path: str, *, check: bool = True) -> None:
        self.page.goto(self.base + path)
        if check:
            self.check()

    def submit(self, locator: Any, *, check: bool = True) -> None:
        """Press a button or link that loads a new page; wait for it; check it."""
        with self.page.expect_navigation():
            locator.click()
        if check:
            self.check()

    def button(self, msgid: Any, **values: Any) -> Any:
        return self.page.get_by_role("button", name=self.t(msgid, **values), exact=True)

    def link(self, msgid: Any, **values: Any) -> Any:
        return self.page.get_by_role("link", name=self.t(msgid, **values), exact=True)

    def field(self, msgid: Any, **values: Any) -> Any:
        return self.page.get_by_label(self.t(msgid, **values), exact=True)

    def more(self, msgid: Any) -> None:
        """Open the workbench's "More" menu and follow one of its entries."""
        self.page.locator("details.menu summary").click()
        self.submit(self.page.locator("details.menu").get_by_role("link", name=self.t(msgid), exact=True))

    def login(self, phone: str, password: str = PASSWORD) -> None:
        self.goto("/login/")
        self.page.fill("#pw_phone", phone)
        self.page.fill("#pw_password", password)
        self.submit(self.page.locator("form:has(#pw_password) button[type=submit]"))

    # -- reading ------------------------------------------------------------------
    def messages(self) -> str:
        return " ".join(self.page.locator(".messages").all_inner_texts())

    def fact(self, msgid: Any) -> str:
        """The value beside a label in a facts list (<dt>label</dt><dd>value</dd>)."""
        dt = self.page.locator("dl.facts dt", has_text=self.t(msgid)).first
        return str(dt.locator("xpath=following-sibling::dd[1]").inner_text()).strip()

    def novalidate(self, form: Any) -> None:
        """Skip the browser's own checks, so the server's error messages can be seen."""
        form.evaluate("f => f.noValidate = true")
