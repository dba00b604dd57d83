"""A read run away from the screen's thread, so the window, its countdowns and its alarms go on while it runs.

The clinic's outcome report over many years takes seconds; run on the screen's thread, it would hold every
chair's countdown and alarm for that time. ``Background`` runs the call on a thread of its own; the window
asks ``done()`` from a timer and then takes ``result()``, which hands back the value or raises, on the
screen's thread, whatever the call raised, so errors are said (or a fault reported) exactly as if the call
had run there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    def __init__(self, call: Callable[[], T], name: str) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), name=name, daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], T]) -> None:
        try:
            self._value = call()
        except BaseException as error:  # raised again by result(), on the screen's thread
            self._error = error

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> T:
        """The call's value, or what it raised, raised here; only once ``done()``."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
