"""PySide6's import hook answers from each module's file as it did from ``inspect.getsource``."""

from __future__ import annotations

import importlib
import inspect
import sys
from types import ModuleType

import pytest

from ui import pyside_hook

SAMPLE = ("ui.main_window", "ui.opening", "core.protocol", "core.persistence.db", "sqlalchemy.orm", "json", "sys")


def inspected(module: ModuleType) -> bool:
    """PySide6's own answer: the word in the source ``inspect`` finds, False when there is none."""
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False


@pytest.mark.parametrize("name", SAMPLE)
def test_a_module_s_file_gives_the_answer_its_source_gives(name: str) -> None:
    module = importlib.import_module(name)
    found = pyside_hook.uses_pyside(module)
    assert found is not None  # a source file read, or a package known never to use PySide6
    assert found == inspected(module)


def test_the_word_is_found_where_it_is_and_not_where_it_is_not() -> None:
    import core.protocol
    import ui.main_window

    assert pyside_hook.uses_pyside(ui.main_window) is True
    assert pyside_hook.uses_pyside(core.protocol) is False
    assert pyside_hook.uses_pyside(sys) is False  # the standard library: known without reading
    assert pyside_hook.mentions_pyside(sys) is None  # built in: no file to read
    assert pyside_hook.mentions_pyside(ui.main_window) is True
    assert pyside_hook.mentions_pyside(core.protocol) is False


def test_what_is_answered_without_reading_is_what_reading_would_say() -> None:
    """Every module a start loads from the packages answered without reading (``core``, the storage stack, the
    standard library) has no mention of PySide6 in its file: the shortcut changes no answer."""
    import core.startup  # noqa: F401 (core and the storage stack, as a start loads them)
    import ui.main_window  # noqa: F401 (and what the window brings)

    skipped = [m for name, m in sorted(sys.modules.items()) if name.partition(".")[0] in pyside_hook.NEVER_PYSIDE]
    assert len([m for m in skipped if m.__name__.startswith("sqlalchemy.")]) > 50
    assert {"core", "pydantic", "sqlmodel", "json"} <= {m.__name__ for m in skipped}
    assert [m.__name__ for m in skipped if pyside_hook.mentions_pyside(m) or inspected(m)] == []
    assert [m.__name__ for m in skipped if pyside_hook.uses_pyside(m) is not False] == []


def test_once_quickened_pyside_s_check_answers_as_before_for_every_loaded_module() -> None:
    import PySide6.QtCore  # noqa: F401 (loads the hook)

    assert pyside_hook.quicken() and pyside_hook.quicken()  # idempotent
    check = sys.modules[pyside_hook.FEATURE_MODULE]._mod_uses_pyside
    assert check.quickened
    modules = [m for name, m in sorted(sys.modules.items()) if isinstance(m, ModuleType)][:400]
    assert [name for name, m in ((m.__name__, m) for m in modules) if check(m) != inspected(m)] == []
