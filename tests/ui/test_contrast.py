"""Every pair of text and background colours the style sheet uses reads at WCAG AA contrast or better.

Chairs are read from across the room, in bright clinics, by nurses of every age: 4.5:1 is the floor for
body text, and the alarm colours must pass too, since their words carry the message when colour cannot.
"""

from __future__ import annotations

import pytest

from ui import style

PAIRS = {
    "body": (style.INK, style.PAPER),
    "body on the window": (style.INK, style.BACKGROUND),
    "hints": (style.HINT, style.BACKGROUND),
    "hints on a card": (style.HINT, style.PAPER),
    "primary button": ("#ffffff", style.ACCENT),
    "act now / error": (style.RED, style.RED_BG),
    "advise": (style.AMBER, style.AMBER_BG),
    "notice": (style.ACCENT, style.BLUE_BG),
    "saved": (style.GREEN, style.PAPER),
    "tile, high priority": (style.INK, style.RED_BG),
    "tile, medium priority": (style.INK, style.AMBER_BG),
    "tile, low priority": (style.INK, style.BLUE_BG),
    "disabled button": (style.MUTED, style.BACKGROUND),
}
AA = 4.5
DISABLED_FLOOR = 2.5  # a disabled control is meant to recede, but must still be seen to exist


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_matches_the_standard_extremes():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", PAIRS)
def test_text_reads_against_its_background(name: str):
    foreground, background = PAIRS[name]
    floor = DISABLED_FLOOR if name.startswith("disabled") else AA
    assert contrast(foreground, background) >= floor, f"{name}: {contrast(foreground, background):.2f}:1"
