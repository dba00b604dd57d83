"""The application icon drawn from its SVG at the sizes desktops look for, into a freedesktop icon theme tree.

Run by packaging/bundle.sh with the bundle's own Python: ``python packaging/icons.py OUT`` writes
``OUT/hicolor/<n>x<n>/apps/chairside.png`` for each size and ``OUT/hicolor/scalable/apps/chairside.svg``. The
PNGs are made at build time from the one SVG kept in the repository, never kept themselves.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SOURCE = Path(__file__).resolve().parent.parent / "resources" / "icons" / "chairside.svg"


def main(out: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"icons: {SOURCE} is not a drawable SVG", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        folder = out / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        if not image.save(str(folder / "chairside.png")):
            print(f"icons: could not write {folder / 'chairside.png'}", file=sys.stderr)
            return 1
    scalable = out / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable / "chairside.svg")
    del app
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python packaging/icons.py OUT_FOLDER")
    sys.exit(main(Path(sys.argv[1])))
