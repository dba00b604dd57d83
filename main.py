"""Start Chairside: `python main.py` opens the app; `python main.py --help` lists the admin commands."""

import os
import sys

from cli.commands import main


def keep_files_private() -> None:
    """Every file and folder Chairside makes (the database and its journal, backups, exports, printouts
    saved as PDF, logs, settings) holds or may hold patient data: only this account may read them. Set once
    for the whole process, so no place that creates a file can forget it."""
    os.umask(0o077)


def open_app(database_url: str | None) -> int:
    from ui.app import main as app_main  # Qt is loaded only when a window is wanted

    return app_main(database_url)


if __name__ == "__main__":
    keep_files_private()
    sys.exit(main(open_app))
