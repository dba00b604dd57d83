"""A workstation in the middle of a statement when its server vanishes, in a process of its own (so it can
run on the far side of tests/helpers/cable.py's cable).

Usage: waiting_child.py ADDRESS. Opens the database as Chairside does, starts a transaction, prints
"waiting" and runs a statement that takes a minute; then prints the kind of trouble it was told of, the
seconds it took to notice and the words, tab-separated, on one line.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.errors import ChairsideError
from core.persistence.db import Database


def main() -> None:
    database = Database(sys.argv[1])
    began = 0.0
    try:
        with database.transaction() as tx:
            tx.execute(text("SELECT 1"))
            print("waiting", flush=True)
            began = time.monotonic()
            tx.execute(text("SELECT pg_sleep(60)"))
        print("finished: the statement was never interrupted", flush=True)
    except ChairsideError as trouble:
        print(f"{type(trouble).__name__}\t{time.monotonic() - began:.2f}\t{trouble}", flush=True)


if __name__ == "__main__":
    main()
