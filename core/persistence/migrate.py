"""Alembic, driven from code: the scripts live beside this file; no alembic.ini is needed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from core.persistence.db import Database

SCRIPTS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["engine"] = database.engine
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    command.upgrade(alembic_config(database), revision)


def script_revisions(database: Database) -> list[str]:
    """Every revision in the scripts, oldest first (for the test that guards SCHEMA_HEAD)."""
    scripts = ScriptDirectory.from_config(alembic_config(database))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]
