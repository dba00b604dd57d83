"""PySide6's import hook, answered by reading each module's file instead of asking ``inspect`` for its source.

Once PySide6 is loaded, its ``__feature__`` support asks of every module imported after it whether the
module uses PySide6 (whether it may switch on a feature such as ``snake_case``). It answers by searching
the module's source for the word "PySide6", which it gets with ``inspect.getsource``: through linecache,
with the source decoded and split into lines, ~0.2 ms a module. Chairside paints the board's frame before
it loads its records (``ui.opening``), so the storage stack and all of ``core`` (some 450 modules) are
imported after PySide6 and each paid that, ~0.1 s of every start.

``quicken()`` gives the same answer from the module's file read as bytes: the same word searched in the
same file. A module without a ``.py`` file (built in, compiled only, an extension) is asked of PySide6's
own check as before. Should a PySide6 version no longer have the check, nothing is changed.

Most of what a start imports after PySide6 comes from packages that never use it: ``core`` (which
``tests/test_layers.py`` keeps free of Qt), the storage stack (SQLAlchemy, SQLModel, pydantic and what they
bring) and Python's standard library. Reading their files (some 6 MB of SQLAlchemy alone) cost ~12 ms of
every start, to find what is known: the word is not there. Their modules are answered without reading
(``NEVER_PYSIDE``); the tests check that reading each of them would give the same answer.
"""

from __future__ import annotations

import sys
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"
"""Where PySide6 keeps the check (``_mod_uses_pyside``), loaded with PySide6 itself."""
NEVER_PYSIDE = frozenset(
    {
        "core",
        "sqlalchemy",
        "sqlmodel",
        "pydantic",
        "pydantic_core",
        "typing_extensions",
        "typing_inspection",
        "annotated_types",
        *sys.stdlib_module_names,
    }
)
"""Top-level packages whose modules never mention PySide6: answered without reading their files."""


def uses_pyside(module: ModuleType) -> bool | None:
    """Whether ``module``'s source file mentions PySide6; None when it has no source file to read."""
    if getattr(module, "__name__", "").partition(".")[0] in NEVER_PYSIDE:
        return False
    return mentions_pyside(module)


def mentions_pyside(module: ModuleType) -> bool | None:
    """Whether ``module``'s source file mentions PySide6, read; None when it has no source file to read."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return None
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return None


def quicken() -> bool:
    """Call once PySide6 is imported; True when its check now reads files (idempotent)."""
    feature = sys.modules.get(FEATURE_MODULE)
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if upstream is None:
        return False
    if getattr(upstream, "quickened", False):
        return True

    def _mod_uses_pyside(module: ModuleType) -> bool:
        found = uses_pyside(module)
        return upstream(module) if found is None else found

    _mod_uses_pyside.quickened = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = _mod_uses_pyside  # type: ignore[union-attr]
    return True
