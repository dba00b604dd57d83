"""A test's database as a copy of one made and migrated once per run.

Creating a database runs every Alembic revision, which costs far more than most tests themselves; a
byte copy of a database made the same way is the same database. The tests of creating, migrating,
refusing or rescuing a database make theirs on purpose and do not use these.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from core.persistence.db import PRIVATE, open_database, sqlite_url


def make_template(path: Path) -> Path:
    """A database created and migrated at ``path`` the way ``db create`` makes one, then closed: closing
    checkpoints the write-ahead log into the file, so the file alone holds the whole database."""
    open_database(sqlite_url(path), create=True).dispose()
    beside = sorted(p.name for p in path.parent.iterdir() if p != path)
    assert not beside, f"closing the template left {beside} beside it: a copy of the file alone would miss it"
    return path


def copy_database(template: Path, to: Path) -> Path:
    """A byte copy of ``template`` at ``to``, made the way Chairside makes its database file (created
    readable by this account only), so it cannot be told from one created there."""
    to.parent.mkdir(parents=True, exist_ok=True)
    to.touch(mode=PRIVATE, exist_ok=False)
    shutil.copyfile(template, to)  # into the file just made: it keeps that file's mode
    return to
