"""Alembic, driven from code: the scripts live beside this file; no alembic.ini is needed.

It is given the engine to run on (with Chairside's pragmas), and knows nothing of ``Database``, which
calls it: the two modules do not import each other."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

SCRIPTS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def script_revisions(engine: Engine) -> list[str]:
    """Every revision in the scripts, oldest first (for the test that guards SCHEMA_HEAD)."""
    scripts = ScriptDirectory.from_config(alembic_config(engine))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]
