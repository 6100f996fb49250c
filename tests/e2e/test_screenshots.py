"""Screenshots of the main pages in both languages on a 360×740 phone, for the README.

Every run takes them (so the pages render); only XIANGLI_SCREENSHOTS=1 writes them to
docs/screenshots/, so CI never changes the tree:

    XIANGLI_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_screenshots.py -p no:xdist
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from .pages import desk_pages, resident_pages
from .ui import VARIANTS, Ui

OUT = Path(__file__).resolve().parents[2] / "docs/screenshots"
WRITE = os.environ.get("XIANGLI_SCREENSHOTS") == "1"
PHONES = [v for v in VARIANTS if v.phone]


def save(png: bytes, name: str) -> int:
    """A palette PNG of the viewport: a few dozen KB instead of a few hundred."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    if WRITE:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / name).write_bytes(buf.getvalue())
    return len(buf.getvalue())


def test_the_main_pages_are_photographed_in_both_languages_on_a_phone(ui: Callable[..., Ui]) -> None:
    sizes = {}
    for variant in PHONES:
        lang = variant.id.split("-")[0] if variant.lang == "en" else "zh-Hans"
        visitor = ui(variant)
        resident = ui(variant)
        agent = ui(variant)
        shots = [(visitor, "home", "/")]
        shots += [(resident, name, path) for name, path in resident_pages(resident).items() if name != "my_cases"]
        shots += [(agent, name, path) for name, path in desk_pages(agent).items()]
        for person, name, path in shots:
            person.goto(path, check=False)  # checked by the journeys and test_resident_pages
            sizes[f"{name}.{lang}.png"] = save(person.page.screenshot(), f"{name}.{lang}.png")
    assert len(sizes) == 14
    assert max(sizes.values()) < 120_000, sizes
