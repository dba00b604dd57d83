"""Start Chairside: `python main.py` opens the app; `python main.py --help` lists the admin commands."""

import sys

from core.cli import main


def open_app(database_url: str | None) -> int:
    from ui.app import main as app_main  # Qt is loaded only when a window is wanted

    return app_main(database_url)


if __name__ == "__main__":
    sys.exit(main(open_app))
