"""UI fixtures: the real main window on a test database, a fake clock, and a nurse who drives it.

The window's ``Care`` is the ``care`` fixture, so the clock is the ManualClock the test moves, and
every assertion about what was recorded can read the same database through ``care``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.accounts import Accounts
from core.care import Care
from core.clock import ManualClock
from core.people import Account
from core.persistence.db import Database
from core.protocol import Protocol, VitalKind
from core.startup import Workplace
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import prepare
from tests.helpers.window import Nurse, make_workplace, open_window
from tests.ui.walk import Places, every_dialog, every_step
from ui import style
from ui.controller import Controller
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def nothing_left_over(qapp: QApplication) -> None:
    """The windows and dialogs earlier tests closed are deleted before this test starts. Closed, they wait
    for an event loop that never comes back to their level; alive, each is restyled whenever a test
    applies the clinic's style sheet, which then takes seconds and grows with every test run before."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def workplace(database: Database, protocol: Protocol, care: Care) -> Workplace:
    """What ``open_workplace`` builds at start, but on the test database and the test's clock."""
    return make_workplace(database, protocol, care)


@pytest.fixture
def window(qtbot: QtBot, workplace: Workplace, nurses: tuple[Account, Account]) -> Iterator[MainWindow]:
    """The main window with two nurses' accounts, showing the sign-in screen: nobody is signed in yet."""
    yield open_window(qtbot, workplace)


@pytest.fixture
def nurse(qtbot: QtBot, window: MainWindow) -> Nurse:
    return Nurse(qtbot, window)


@pytest.fixture
def steps_walked(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    clock: ManualClock,
) -> Places:
    """Every step of a session, walked as the test asks for each (``tests.ui.walk.every_step``)."""
    return every_step(nurse, window, care, patient, nurses, clock)


@pytest.fixture
def dialogs_walked(
    qtbot: QtBot,
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    accounts: Accounts,
    admin: Account,
    clock: ManualClock,
    database: Database,
) -> Places:
    """Every dialog the app opens, walked as the test asks for each (``tests.ui.walk.every_dialog``)."""
    return every_dialog(qtbot, nurse, window, care, patient, nurses, accounts, admin, clock, database)


@pytest.fixture
def normal_vitals() -> dict[VitalKind, str]:
    """A set of readings inside every limit of the protocol."""
    return dict(NORMAL)


@pytest.fixture
def ready_session(care: Care, patient: PatientView, nurses: tuple[Account, Account]) -> str:
    """A session on chair 1, checked and with baseline vitals, not yet started."""
    return prepare(care, patient, nurses)


@pytest.fixture
def restart(qtbot: QtBot, database: Database, protocol: Protocol, clock: ManualClock) -> Callable[[], Nurse]:
    """Starts the app again on the same database, as after a crash: a new Care whose start time is now."""

    def start_again() -> Nurse:
        care = Care(database, protocol, clock, workstation="test-ws", app_started_at=clock.now())
        return Nurse(qtbot, open_window(qtbot, make_workplace(database, protocol, care)))

    return start_again


@pytest.fixture
def controller(qtbot: QtBot, workplace: Workplace) -> Controller:
    """The screens' way to core, without a window (for a dialog on its own)."""
    style.apply(QApplication.instance())  # type: ignore[arg-type]
    return Controller(workplace)


@pytest.fixture
def ana(controller: Controller, nurses: tuple[Account, Account]) -> Account:
    """Ana is signed in: every copy that goes out is recorded in her name."""
    controller.user = controller.accounts.sign_in("ana", ANA_PASSWORD)
    return controller.user


@pytest.fixture
def own_log_handlers() -> Iterator[None]:
    """``ui.app.main`` adds a file handler to the root logger; close and remove it after the test."""
    before = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers:
        if handler not in before:
            logging.getLogger().removeHandler(handler)
            handler.close()
