"""A rotating log file in the platform's log folder: what a support person reads after a problem."""

from __future__ import annotations

import logging
import uuid
from logging.handlers import RotatingFileHandler
from pathlib import Path

from core.paths import log_dir

LOG_NAME = "chairside.log"


def log_file() -> Path:
    return log_dir() / LOG_NAME


def configure_logging(level: int = logging.INFO) -> Path:
    """Send Chairside's log to the rotating file (5 files of 1 MB). Idempotent."""
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path


def log_incident(error: BaseException) -> tuple[str, Path]:
    """Write an unexpected error's traceback to the log under a short incident id, for whoever looks after
    Chairside; the person at the keyboard is given the id and the log's place, never the traceback."""
    incident = uuid.uuid4().hex[:8]
    try:
        path = configure_logging()
    except OSError:  # no log folder (a full or read-only disk): the id still ties the report to the moment
        return incident, log_file()
    logging.getLogger("chairside.incident").error("incident %s: unexpected error", incident, exc_info=error)
    return incident, path
