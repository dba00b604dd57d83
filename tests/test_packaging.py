"""The pieces of the installable bundle kept in the repository: the menu entry is valid for desktops, and the
icon is drawn from its one SVG at every size a desktop looks for."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_menu_entry_is_a_valid_desktop_entry() -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.fail("desktop-file-validate is missing: bash packaging/bootstrap.sh installs desktop-file-utils")
    checked = subprocess.run(
        [validator, str(ROOT / "packaging/chairside.desktop")], check=False, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout == ""  # not even a hint
    entry = (ROOT / "packaging/chairside.desktop").read_text(encoding="utf-8")
    assert "Exec=chairside\n" in entry
    assert "Icon=chairside\n" in entry


def test_the_icon_is_drawn_at_every_size(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    drawn = subprocess.run(
        [sys.executable, str(ROOT / "packaging/icons.py"), str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert drawn.returncode == 0, drawn.stderr
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        image = QImage(str(tmp_path / f"hicolor/{size}x{size}/apps/chairside.png"))
        assert (image.width(), image.height()) == (size, size)
        middle = image.pixelColor(size // 2, size // 2)
        corner = image.pixelColor(0, 0)
        assert middle.alpha() == 255  # the drawing, not an empty square
        assert corner.alpha() < 255  # the rounded corner stays transparent
    svg = tmp_path / "hicolor/scalable/apps/chairside.svg"
    assert svg.read_bytes() == (ROOT / "resources/icons/chairside.svg").read_bytes()
