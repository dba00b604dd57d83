"""A rotating log file in the platform's log folder: what a support person reads after a problem."""

from __future__ import annotations

import logging
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
