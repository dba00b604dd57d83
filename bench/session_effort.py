"""What one ordinary first-day session costs the nurse in taps, keystrokes and scrolls, step by step.

A new patient's first session (register, course order, screen, weigh, baseline vitals, dose, second-nurse
check, draw up, infuse with every scheduled set of vital signs and side-effect check, observe, discharge,
sign), with no side effects and every reading inside every limit, is driven through the real
``MainWindow`` offscreen on a temporary database with a ``ManualClock``, along the shortest path a nurse
would take at the chair with touch and keyboard. Every action goes through three small functions that do
the counting, with real Qt events sent to the control found by its accessible name (and by nothing else):

* ``tap(name)``: a mouse click on the control (one tap);
* ``type(name, text)``: the text as key clicks; each character is a data character. Getting there first
  costs nothing if the field already has the keyboard (a field that moves on by itself once its value is
  complete hands the keyboard to the next one, so no Tab is counted or sent there: a Tab right after would
  be swallowed), one Tab if the keyboard is in the text field just before it in the Tab order, and one tap
  otherwise (from a button or tick box the nurse taps on rather than Tab on: her hand is on the screen);
* ``key(...)``: Tab, Enter and the like, each an "other keystroke".

Before each tap, before typing into a field the keyboard is already in, and before a key in a field, the
control must be inside the window (cut to the ``--size`` screen) and inside the viewport of every scroll
area holding it (a frame's few pixels may be cut off). If it is not, one scroll is counted and the
control is brought into view near the top of the view (clamped at the page's end), as a nurse scrolls to
what she does next, so what follows it counts as in view when it is. A control that cannot be brought
into view, is missing, disabled, or does not take the keyboard when it should stops the run with a non-
zero exit instead of printing wrong figures, naming the step and the control (and the visible controls
with similar names, for a renamed one); so does a session that core has not recorded as signed, ordinary
and complete at the end.

The path, on today's screens. Each step is one small function below (``sign_in`` … ``sign``) that names
the controls it uses: when a screen changes, change only its step and keep the choices a nurse would make.

* before the session, once a shift, sign in: the user name field has the keyboard; Tab to the password
  (Enter there does the same), Enter. It is shown on its own line and not counted in the session's figures
  (the issue's session runs from register to sign), with a line giving the figures with it as well;
* open chair 1 with a tap on its tile (the board shows 12 chairs, as in a mid-sized clinic);
* register: the keyboard is in the search field, so tap the record number field; Tab to the date of
  birth, which moves on by itself to the family name once complete; Tab to the given name; tap the sex
  and "No known allergies", tap "Register patient" (Enter in the form does not register); the new patient
  is then the chosen patient's card;
* identify: tap "Full name matches", tap the date of birth field and type it as the patient says it, Enter;
  core compares it. A new patient has no course, so the course order form opens with the first day and the
  number of days filled in and the keyboard in "Prescriber": type it, tap "Record course order and seat"
  (Enter in the prescriber field does not submit);
* screen: one tap per question (the course-start checklist and the every-session questions), then
  "Record screening" in the action bar pinned under the page;
* weigh: the weight field has the keyboard; type it, tap the unit, tap "Record weight" (tapping the unit
  takes the keyboard out of the field, so Enter there would cost a tap back into it);
* baseline vitals on the dose page, where the vital signs first appear: the keyboard waits on "Confirm
  dose", so tap the first reading; type the six required readings, each moving on by itself once complete,
  and Enter in the optional temperature, left blank; then tap "Confirm dose" (the preselected vial is the
  protocol's default and is kept);
* second-nurse check: the keyboard is in the check weight; the second nurse types her three figures
  (weight, dose, rate), each moving on by itself once complete, then her user name, Tab, her password,
  and Enter;
* draw up: the volume field has the keyboard; the volume, which moves on by itself once complete, the
  lot, Enter;
* the rest of the vial (the protocol's 10 mg/mL vial is multi-dose): the keyboard waits on "Returned to
  stock"; one tap records it (wasting it instead would take the waste form and a witness);
* pump programmed and checked: the keyboard is then in the pump's rate; type the rate read off the pump
  (it moves on by itself once complete) and the VTBI, and Enter, which records the reading and, as it
  agrees with the order, starts the infusion (it replaces the tap on "Start infusion");
* at each due time (the clock is moved to it and the window's tick redraws) a vitals set as above, the
  keyboard already in the first reading; a side-effect check with nothing found is one tap on "No side
  effects", its tab come forward by itself once the check is due; at the end of the time, tap "Infusion
  complete";
* observation: the end set and check, the 15- and 30-minute sets and the last check, then the
  discharge score (tap, type), a tap per criterion, the password (tap, type), Enter;
* sign: the password field has the keyboard; type it, Enter.

Target (issue 10) for the whole session (register to sign) at 1280×800: at most 40 taps, no scroll, and
no more other keystrokes than one Enter per form. The "forms" column counts the forms on the path with a field to press
Enter in (a screening list, "Confirm dose", "No side effects" and the like are buttons, not forms: they
allow no key); "keys over" is what a step spends beyond its forms' one Enter each.

The wall time of the whole drive (real password hashing included) is reported against a floor measured in
the same run: a bare ``QMainWindow`` of the same size shown and closed. A computer without audio shows the
"Sound is not available" banner above every page; the run says so, since it leaves the page less room.

Run from the repository root: ``.venv/bin/python bench/session_effort.py [--size 1024x768]``; ``--json``
prints the figures per step and in all as JSON (to compare a run before a change with one after),
``--trace`` lists every counted action under its step, and ``--shots DIR`` saves the window after each
step as a PNG, to see what the path met.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Sibling benchmarks: nurses and readings; closing the window (this script's folder is on sys.path).
from board_refresh import close  # noqa: E402
from commit_latency import NORMAL, PASSWORD, bench_nurses  # noqa: E402
from PySide6.QtCore import QMessageLogContext, QPoint, QRect, Qt, QtMsgType, qInstallMessageHandler  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QRadioButton,
    QScrollArea,
    QWidget,
)

from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.dosing import pump_order  # noqa: E402
from core.events import EventType as E  # noqa: E402
from core.machine import Step  # noqa: E402
from core.persistence.db import Database, open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402
from core.session_state import SessionState  # noqa: E402
from core.settings import WorkstationSettings, change_clinic_setting, clinic_settings  # noqa: E402
from core.startup import Workplace  # noqa: E402
from ui import style  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

CHAIRS = 12
CHAIR = 1
T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
NEW_PATIENT = {
    "Medical record number": "MRN-7001",
    "Date of birth": "1980-05-17",
    "Family name": "Doe",
    "Given name": "Jane",
}
"""The registration form's fields in its Tab order, so one Tab moves from each to the next."""
SEX = "Female"
PRESCRIBER = "Dr Amara Patel"
WEIGHT = "72.4"
LOT = "K-2291A"
SCORE = "10"
SCROLL_MARGIN = 8
"""Pixels left above a control a scroll brings to the top of the view."""
CUT_ALLOWED = 3
"""Pixels of a control's edge (its frame) that may be cut off while it still counts as in view."""
FLOOR_RUNS = 5
TARGET_TAPS = 40


class PathBroken(Exception):
    """The nurse's path cannot go on: the figures would be wrong, so the run stops."""


@dataclass
class Tally:
    taps: int = 0
    data: int = 0
    keys: int = 0
    scrolls: int = 0
    scrolled_to: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    """Each counted action in words, in order, so a change in the figures can be traced to the control."""
    keyboard_at_start: str = ""
    """The control that had the keyboard when the step began: where the screen put it for the nurse."""

    def add(self, other: Tally) -> None:
        self.taps += other.taps
        self.data += other.data
        self.keys += other.keys
        self.scrolls += other.scrolls

    def figures(self) -> dict[str, int]:
        return {"taps": self.taps, "data": self.data, "keys": self.keys, "scrolls": self.scrolls}


class Drive:
    """The nurse's hands: every action is one of ``tap``, ``type`` and ``key``, and is counted."""

    def __init__(self, window: MainWindow, care: Care, clock: ManualClock, screen: QRect) -> None:
        self.window = window
        self.care = care
        self.clock = clock
        self.screen = screen
        self.tally = Tally()

    # ---- finding and seeing ---------------------------------------------------------------------

    def controls(self) -> list[QWidget]:
        """Every visible control in the window and its dialogs (information labels are not controls)."""
        return [w for w in self.window.findChildren(QWidget) if w.isVisible() and not isinstance(w, QLabel)]

    def find(self, name: str) -> QWidget:
        """The one visible control with this accessible name; if there is none, the names nearest it on
        screen, so whoever updates the path after a screen changed sees what the control is called now."""
        found = [w for w in self.controls() if w.accessibleName() == name]
        if len(found) > 1:
            raise PathBroken(f"{len(found)} visible controls are named {name!r}")
        if not found:
            shown = {w.accessibleName() for w in self.controls() if w.accessibleName()}
            near = difflib.get_close_matches(name, sorted(shown), n=4, cutoff=0.5)
            hint = f" (visible controls with similar names: {', '.join(map(repr, near))})" if near else ""
            raise PathBroken(f"no visible control named {name!r}{hint}")
        return found[0]

    def in_view(self, widget: QWidget) -> bool:
        """Wholly inside the screen's part of the window and inside every scroll area's viewport, but for
        a frame's width: a field cut by a pixel at the edge is seen and used as it is."""
        if not self.screen.contains(seen(widget, self.window)):
            return False
        return all(area.viewport().rect().contains(seen(widget, area.viewport())) for area in scroll_areas(widget))

    def reach(self, widget: QWidget) -> None:
        """Count a scroll if the control is out of view, and bring it into view as a swipe would."""
        if self.in_view(widget):
            return
        self.tally.scrolls += 1
        self.tally.scrolled_to.append(widget.accessibleName())
        self.tally.actions.append(f"scroll to {widget.accessibleName()!r}")
        for area in scroll_areas(widget):
            swipe(area, widget)
        settle()
        if not self.in_view(widget):
            raise PathBroken(f"{widget.accessibleName()!r} cannot be brought into view")

    # ---- the three actions ----------------------------------------------------------------------

    def tap(self, name: str) -> QWidget:
        widget = self.find(name)
        self.reach(widget)
        if not widget.isEnabled():
            raise PathBroken(f"{name!r} is disabled")
        self.tally.taps += 1
        self.tally.actions.append(f"tap {name!r}")
        if QApplication.activeWindow() is None:
            # The offscreen platform leaves no window active after some page changes (a window system
            # re-activates the only window on the screen); a tap on a real screen lands in an active one.
            self.window.activateWindow()
            settle()
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, tap_point(widget))
        settle()
        return widget

    def type(self, name: str, text: str) -> None:
        field_ = self.find(name)
        focus = QApplication.focusWidget()
        if focus is field_:
            self.reach(field_)
        elif isinstance(focus, QLineEdit) and next_stop(focus) is field_:
            self.key(Qt.Key.Key_Tab)
            self.reach(field_)
        else:
            self.tap(name)
        if QApplication.focusWidget() is not field_:
            raise PathBroken(f"{name!r} did not take the keyboard")
        self.tally.data += len(text)
        self.tally.actions.append(f"type {len(text)} in {name!r}")
        QTest.keyClicks(field_, text)
        settle()

    def key(self, *keys: Qt.Key) -> None:
        for key in keys:
            focus = QApplication.focusWidget()
            if focus is None:
                raise PathBroken("no control has the keyboard")
            self.reach(focus)  # the nurse sees which field her Enter or Tab goes to
            self.tally.keys += 1
            self.tally.actions.append(f"{key.name.removeprefix('Key_')} in {focus.accessibleName()!r}")
            QTest.keyClick(focus, key)
            settle()

    # ---- what the steps share -------------------------------------------------------------------

    def state(self) -> SessionState:
        views = self.care.chairs()
        if len(views) != 1:
            raise PathBroken(f"{len(views)} sessions open instead of one")
        return views[0].state

    def vitals(self) -> None:
        """The usual set: each reading typed, moving on by itself once complete, then one Enter."""
        protocol = self.care.protocol
        for kind, value in NORMAL.items():
            self.type(protocol.vitals[kind].label, value)
        self.key(Qt.Key.Key_Return)

    def no_side_effects(self) -> None:
        """Nothing found: one tap records every item of the checklist as none."""
        self.tap("No side effects")

    def wait_for(self, moment: datetime | None) -> None:
        """Move the clock to the moment, and let the window's 1-second tick redraw."""
        if moment is None:
            raise PathBroken("nothing is due next")
        if moment > self.clock.now():
            self.clock.advance(moment - self.clock.now())
        self.window.refresh()
        settle()

    def when_vitals_due(self) -> None:
        entry = self.state().next_vitals
        self.wait_for(entry.due_at if entry else None)

    def when_check_due(self) -> None:
        entry = self.state().next_side_effects
        self.wait_for(entry.due_at if entry else None)


def seen(widget: QWidget, within: QWidget) -> QRect:
    """The part of the widget that must show for it to count as in view, in ``within``'s coordinates."""
    rect = QRect(widget.mapTo(within, QPoint(0, 0)), widget.size())
    return rect.adjusted(CUT_ALLOWED, CUT_ALLOWED, -CUT_ALLOWED, -CUT_ALLOWED)


def scroll_areas(widget: QWidget) -> list[QScrollArea]:
    """The scroll areas holding the widget, innermost first."""
    areas = []
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None and parent.widget().isAncestorOf(widget):
            areas.append(parent)
        parent = parent.parentWidget()
    return areas


def swipe(area: QScrollArea, widget: QWidget) -> None:
    """Scroll the area as a nurse scrolls to what she does next: the control near the top of the view, so
    what follows it shows too; sideways, just into view. (``ensureWidgetVisible`` would show only a text
    field's cursor.)"""
    rect = QRect(widget.mapTo(area.widget(), QPoint(0, 0)), widget.size())
    area.verticalScrollBar().setValue(rect.top() - SCROLL_MARGIN)
    sideways = area.horizontalScrollBar()
    width = area.viewport().width()
    if rect.right() >= sideways.value() + width:
        sideways.setValue(rect.right() + SCROLL_MARGIN - width + 1)
    elif rect.left() < sideways.value():
        sideways.setValue(rect.left() - SCROLL_MARGIN)


def tap_point(widget: QWidget) -> QPoint:
    """The middle of a button or field; the box itself of a tick box or radio button."""
    if isinstance(widget, QCheckBox | QRadioButton):
        return QPoint(min(12, widget.width() // 2), widget.height() // 2)
    return widget.rect().center()


def next_stop(widget: QWidget) -> QWidget | None:
    """Where Tab takes the keyboard from the widget: the next visible, enabled control that takes Tab."""
    candidate = widget.nextInFocusChain()
    while candidate is not widget:
        tab = candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
        if tab and candidate.isVisible() and candidate.isEnabled() and candidate.window() is widget.window():
            return candidate
        candidate = candidate.nextInFocusChain()
    return None


def settle() -> None:
    """Deliver what the action posted (layouts, deferred scrolls) before the next look at the screen."""
    QApplication.processEvents()
    QApplication.processEvents()


# ---- the session, step by step ------------------------------------------------------------------


def sign_in(nurse: Drive) -> None:
    nurse.type("User name", "bench-a")
    nurse.type("Password or PIN", PASSWORD)
    nurse.key(Qt.Key.Key_Return)
    if nurse.window.controller.nurse_id is None:
        raise PathBroken("the nurse is not signed in")


def open_chair(nurse: Drive) -> None:
    nurse.tap(f"Chair {CHAIR}")
    if nurse.window.board_showing:
        raise PathBroken(f"chair {CHAIR} did not open")


def register(nurse: Drive) -> None:
    for name, value in NEW_PATIENT.items():
        nurse.type(name, value)
    nurse.tap(SEX)
    nurse.tap("No known allergies")
    nurse.tap("Register patient")
    if not nurse.care.find_patients(NEW_PATIENT["Medical record number"]):
        raise PathBroken("the new patient was not registered")


def identify_and_seat(nurse: Drive) -> None:
    nurse.tap("Full name matches")
    nurse.type("Date of birth given", NEW_PATIENT["Date of birth"])
    nurse.key(Qt.Key.Key_Return)


def course_order(nurse: Drive) -> None:
    nurse.type("Prescriber", PRESCRIBER)
    nurse.tap("Record course order and seat")
    nurse.state()


def screen(nurse: Drive) -> None:
    for question in nurse.care.protocol.screening.questions:
        nurse.tap(f"{question.text} {'Yes' if question.id == 'escort' else 'No'}")
    nurse.tap("Record screening")


def weigh(nurse: Drive) -> None:
    nurse.type("Weight", WEIGHT)
    nurse.tap("Unit kg")
    nurse.tap("Record weight")


def baseline_vitals(nurse: Drive) -> None:
    nurse.vitals()


def confirm_dose(nurse: Drive) -> None:
    nurse.tap("Confirm dose")


def second_nurse_check(nurse: Drive) -> None:
    dose = nurse.state().dose
    if dose is None:
        raise PathBroken("no dose to check")
    nurse.type("Check weight (kg)", WEIGHT)
    nurse.type("Check dose (mg)", str(dose.dose_mg))
    nurse.type("Check pump rate (mL/h)", str(dose.rate_ml_per_h))
    nurse.type("Second nurse user name", "bench-b")
    nurse.type("Second nurse password", PASSWORD)
    nurse.key(Qt.Key.Key_Return)


def draw_up(nurse: Drive) -> None:
    dose = nurse.state().dose
    if dose is None:
        raise PathBroken("no dose to draw up")
    nurse.type("Volume drawn up (mL)", str(dose.drug_volume_ml))
    nurse.type("Lot number", LOT)
    nurse.key(Qt.Key.Key_Return)


def vial_rest(nurse: Drive) -> None:
    nurse.tap(f"Rest of lot {LOT} returned to stock")


def pump_and_start(nurse: Drive) -> None:
    dose = nurse.state().dose
    if dose is None:
        raise PathBroken("no dose for the pump")
    order = pump_order(nurse.care.protocol, dose)
    nurse.type("Rate on the pump (mL/h)", str(order.rate_ml_per_h))
    nurse.type("VTBI on the pump (mL)", str(order.vtbi_ml))
    nurse.key(Qt.Key.Key_Return)


def scheduled_vitals(nurse: Drive) -> None:
    nurse.when_vitals_due()
    nurse.vitals()


def scheduled_vitals_and_check(nurse: Drive) -> None:
    nurse.when_vitals_due()
    nurse.vitals()
    nurse.when_check_due()
    nurse.no_side_effects()


def complete(nurse: Drive) -> None:
    nurse.wait_for(nurse.state().infusion.ends_at)
    nurse.tap("Infusion complete")


def discharge(nurse: Drive) -> None:
    rules = nurse.care.protocol.discharge
    nurse.type(rules.score_name, SCORE)
    for criterion in rules.criteria:
        nurse.tap(criterion.text)
    nurse.type("Your password (discharge)", PASSWORD)
    nurse.key(Qt.Key.Key_Return)


def sign(nurse: Drive) -> None:
    nurse.type("Your password (sign)", PASSWORD)
    nurse.key(Qt.Key.Key_Return)


class Stage(NamedTuple):
    title: str
    act: Callable[[Drive], None]
    forms: int
    """Forms submitted on this stage's path with a field to press Enter in: the target allows one Enter each."""
    reached: Step | None
    """Where core's session must be afterwards (None: no session yet, or nothing to check)."""


SHIFT = (Stage("Sign in (once a shift)", sign_in, 1, None),)
"""What comes before any session, once a shift: counted and shown apart from the session's own figures."""

SESSION = (
    Stage("Open an empty chair from the board", open_chair, 0, None),
    Stage("Register the new patient", register, 1, None),
    Stage("Confirm two identifiers, seat", identify_and_seat, 1, None),
    Stage("Course order, seat", course_order, 1, Step.SCREEN),
    Stage("Screen (course start + every session)", screen, 0, Step.WEIGH),
    Stage("Weigh", weigh, 1, Step.DOSE),
    Stage("Baseline vital signs", baseline_vitals, 1, Step.DOSE),
    Stage("Confirm dose (default vial)", confirm_dose, 0, Step.CHECK),
    Stage("Second-nurse check", second_nurse_check, 1, Step.READY),
    Stage("Draw up (volume, lot)", draw_up, 1, Step.READY),
    Stage("Rest of the vial back to stock", vial_rest, 0, Step.READY),
    Stage("Pump read (rate, VTBI), start", pump_and_start, 1, Step.INFUSING),
    Stage("Vitals, 10 min", scheduled_vitals, 1, Step.INFUSING),
    Stage("Vitals + side effects, 20 min", scheduled_vitals_and_check, 1, Step.INFUSING),
    Stage("Vitals, 30 min", scheduled_vitals, 1, Step.INFUSING),
    Stage("Infusion complete", complete, 0, Step.OBSERVE),
    Stage("Vitals + side effects, end", scheduled_vitals_and_check, 1, Step.OBSERVE),
    Stage("Vitals, 15 min after end", scheduled_vitals, 1, Step.OBSERVE),
    Stage("Vitals + side effects, 30 min after", scheduled_vitals_and_check, 1, Step.OBSERVE),
    Stage("Discharge (score, criteria, password)", discharge, 1, Step.SIGN),
    Stage("Sign", sign, 1, None),
)


# ---- running and reporting ----------------------------------------------------------------------


@dataclass
class Run:
    """What the drive found: each stage done with its tally and, if the path broke, where and why."""

    size: tuple[int, int]
    done: list[tuple[Stage, Tally]] = field(default_factory=list)
    session_id: str = ""
    broken: str | None = None
    drive_ms: float = 0.0
    floor_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    """What on this machine made the screens differ from a clinic workstation's."""

    @property
    def session(self) -> list[tuple[Stage, Tally]]:
        """The session's own stages (the shift's sign-in before them is not the session's)."""
        return [(stage, tally) for stage, tally in self.done if stage in SESSION]

    @property
    def total(self) -> Tally:
        total = Tally()
        for _stage, tally in self.session:
            total.add(tally)
        return total

    @property
    def forms(self) -> int:
        return sum(stage.forms for stage, _ in self.session)

    def missed(self) -> list[str]:
        """The parts of issue 10's target the session misses, in words."""
        total = self.total
        limits = (("taps", total.taps, TARGET_TAPS), ("keys", total.keys, self.forms), ("scrolls", total.scrolls, 0))
        return [f"{what} {got} > {limit}" for what, got, limit in limits if got > limit]


def drive(nurse: Drive, run: Run, shots: Path | None) -> None:
    """Every stage in order, each checked against where core's session must then be; stops at the first
    stage whose path is broken, naming it."""
    for number, stage in enumerate((*SHIFT, *SESSION), start=1):
        focus = QApplication.focusWidget()
        nurse.tally = Tally(keyboard_at_start=focus.accessibleName() if focus is not None else "")
        try:
            stage.act(nurse)
            if stage.reached is not None:
                state = nurse.state()
                run.session_id = state.session_id
                if state.step is not stage.reached:
                    raise PathBroken(f"the session is at {state.step.value}, not {stage.reached.value}")
        except PathBroken as broken:
            run.broken = f"step {stage.title!r}: {broken}"
        finally:
            if shots is not None:
                nurse.window.grab().save(str(shots / f"{number:02}-{stage.act.__name__}.png"))
        if run.broken:
            return
        run.done.append((stage, nurse.tally))


def check_recorded(care: Care, session_id: str) -> None:
    """The session is signed in core, as an ordinary one: seven sets, three checks, no alert."""
    state = care.state(session_id)
    types = [event.type for event in state.events]
    problems = []
    if state.step is not Step.DONE or E.SIGNED not in types:
        problems.append(f"the session is at {state.step.value}, not signed")
    if care.chairs():
        problems.append("a session is still open on the board")
    if types.count(E.VITALS) != len(care.protocol.vitals_schedule.points):
        problems.append(f"{types.count(E.VITALS)} sets of vital signs recorded")
    if types.count(E.SIDE_EFFECTS) != len(care.protocol.side_effects_schedule.points):
        problems.append(f"{types.count(E.SIDE_EFFECTS)} side-effect checks recorded")
    if types.count(E.CHECKED) != 1 or state.open_alerts or E.ALERT_ACKNOWLEDGED in types:
        problems.append("not an ordinary session (a second check or an alert)")
    if types.count(E.PUMP_PROGRAMMED) != 1 or types.count(E.RETURNED) != 1 or state.controlled.vial_problem:
        problems.append("the pump was not read once, or the rest of the vial is not back in stock")
    if problems:
        raise PathBroken("; ".join(problems))


def floor_ms(size: tuple[int, int]) -> float:
    """A bare window of the same size shown, drawn and closed: what Qt costs before any Chairside."""
    samples = []
    for _ in range(FLOOR_RUNS):
        began = time.perf_counter_ns()
        bare = QMainWindow()
        bare.resize(*size)
        bare.show()
        settle()
        bare.close()
        bare.deleteLater()
        settle()
        samples.append((time.perf_counter_ns() - began) / 1e6)
    return statistics.median(samples)


def table(run: Run, trace: bool) -> None:
    """The per-stage figures and the totals against the target, as text; with ``trace``, every action."""
    width = max(len(stage.title) for stage in (*SHIFT, *SESSION))
    size = f"{run.size[0]}×{run.size[1]}"
    print(f"session effort: one first-day session of a new patient, window {size}, {CHAIRS} chairs")
    print(f"python {sys.version.split()[0]}, Qt platform {QApplication.platformName()}")
    print()
    print(f"{'step':{width}} {'taps':>5} {'data':>5} {'keys':>5} {'scrolls':>8} {'forms':>6} {'keys over':>10}")
    for stage, tally in run.done:
        if stage is SESSION[0]:
            print(f"{'-- the session (register to sign) --':{width}}")
        over = keys_over(stage, tally)
        print(
            f"{stage.title:{width}} {tally.taps:5} {tally.data:5} {tally.keys:5} {tally.scrolls:8} {stage.forms:6}"
            f" {over or '':>10}"
        )
        if trace:
            print(f"    (keyboard in {tally.keyboard_at_start!r})")
            for action in tally.actions:
                print(f"    {action}")
    total = run.total
    print("-" * (width + 44))
    over = sum(keys_over(stage, tally) for stage, tally in run.session)
    print(f"{'total':{width}} {total.taps:5} {total.data:5} {total.keys:5} {total.scrolls:8} {run.forms:6} {over:10}")
    print(f"{'target (issue 10)':{width}} {'≤' + str(TARGET_TAPS):>5} {'':5} {'≤' + str(run.forms):>5} {0:8}")
    print()
    print("taps: clicks on a control; data: characters of values, names and passwords; keys: other")
    print("keystrokes (Tab, Enter); scrolls: a control needed next was out of view; forms: forms submitted")
    print("with a field to press Enter in (the target allows one Enter each); keys over: a step's keys beyond")
    print("its forms' Enters.")
    print(f"all keystrokes of the session (data + keys): {total.data + total.keys}")
    shift = Tally()
    for stage, tally in run.done:
        if stage in SHIFT:
            shift.add(tally)
    print(
        f"with the shift's sign-in: {total.taps + shift.taps} taps, {total.data + shift.data} data, "
        f"{total.keys + shift.keys} keys for {run.forms + sum(stage.forms for stage in SHIFT)} forms"
    )
    missed = run.missed()
    print(f"target met: {'no (' + ', '.join(missed) + ')' if missed else 'yes'}")
    scrolled = [(stage.title, tally.scrolled_to) for stage, tally in run.done if tally.scrolled_to]
    if scrolled:
        print()
        print("scrolled to:")
        for title, names in scrolled:
            print(f"  {title}: {', '.join(names)}")
    for note in run.notes:
        print(f"note: {note}")
    if run.broken is None:
        print()
        print(
            f"wall time of the drive {run.drive_ms:.0f} ms; floor (a bare window shown and closed) "
            f"{run.floor_ms:.1f} ms; {run.drive_ms / run.floor_ms:.0f} × floor"
        )


def keys_over(stage: Stage, tally: Tally) -> int:
    """The other keystrokes a step spends beyond the one Enter per form the target allows it."""
    return max(0, tally.keys - stage.forms)


def as_json(run: Run) -> str:
    """The same figures for a program: compare two runs (before and after a change) step by step."""
    steps = [
        {
            "step": stage.title,
            **tally.figures(),
            "forms": stage.forms,
            "in_session": stage in SESSION,
            "keys_over": keys_over(stage, tally),
            "keyboard_at_start": tally.keyboard_at_start,
            "scrolled_to": tally.scrolled_to,
            "actions": tally.actions,
        }
        for stage, tally in run.done
    ]
    return json.dumps(
        {
            "window": {"width": run.size[0], "height": run.size[1]},
            "chairs": CHAIRS,
            "signed": run.broken is None,
            "broken": run.broken,
            "steps": steps,
            "total": {**run.total.figures(), "forms": run.forms},
            "target": {"taps": TARGET_TAPS, "keys": run.forms, "scrolls": 0},
            "target_met": run.broken is None and not run.missed(),
            "notes": run.notes,
            "drive_ms": round(run.drive_ms, 1),
            "floor_ms": round(run.floor_ms, 2),
        },
        ensure_ascii=False,
        indent=2,
    )


def quiet_platform(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """The offscreen platform warns on every dropdown list it shows (no raise, no keyboard grab): drop
    those, say the rest."""
    if not message.startswith("This plugin does not support"):
        print(message, file=sys.stderr)


def session_window(care: Care, size: tuple[int, int]) -> MainWindow:
    """The app's window on the bench's database and clock, at the screen's size, shown and active."""
    settings = clinic_settings(care.db)
    window = MainWindow(Workplace(care.db, care.protocol, care, settings, WorkstationSettings(name="bench")))
    window.resize(*size)
    window.show()
    window.activateWindow()
    settle()
    return window


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("give the size as WIDTHxHEIGHT, e.g. 1280x800") from None
    return width, height


def machine_notes(window: MainWindow) -> list[str]:
    """The banner a computer without audio shows takes room from every page, so it can cost scrolls."""
    banner = window.findChild(QLabel, "Sound unavailable")
    if banner is None or not banner.isVisible():
        return []
    return [f"no audio device here: {banner.text()!r} showed in a {banner.height()} px banner above every page"]


def bench_care(database: Database) -> tuple[Care, ManualClock]:
    """Core on the bench's database: its two nurses, twelve chairs, the clock at the session's morning."""
    clock = ManualClock(T0)
    care = Care(database, load_protocol(), clock, workstation="bench")
    bench_nurses(care)
    change_clinic_setting(database, "chairs", CHAIRS, None, "session effort benchmark", T0, workstation="bench")
    return care, clock


def measure(run: Run, shots: Path | None) -> None:
    """The whole session through the window on a temporary database; then whether core has it signed."""
    with tempfile.TemporaryDirectory(prefix="chairside-effort-") as name:
        folder = Path(name).resolve()
        os.environ["CHAIRSIDE_HOME"] = str(folder / "home")  # the window's caches stay in the temporary folder
        database = open_database(sqlite_url(folder / "chairside.sqlite"), create=True)
        try:
            care, clock = bench_care(database)
            run.floor_ms = floor_ms(run.size)
            window = session_window(care, run.size)
            try:
                if (window.width(), window.height()) != run.size:
                    run.broken = (
                        f"the window will not shrink to {run.size[0]}×{run.size[1]}: {window.width()}×{window.height()}"
                    )
                    return
                began = time.perf_counter_ns()
                drive(Drive(window, care, clock, QRect(0, 0, *run.size)), run, shots)
                run.drive_ms = (time.perf_counter_ns() - began) / 1e6
                run.notes.extend(machine_notes(window))
                if run.broken is None:
                    check_recorded(care, run.session_id)
            except PathBroken as broken:
                run.broken = f"at the end: {broken}"
            finally:
                close(window)
        finally:
            database.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=(1280, 800), help="window size, e.g. 1280x800 or 1024x768")
    parser.add_argument("--json", action="store_true", help="print the per-step figures and totals as JSON")
    parser.add_argument("--trace", action="store_true", help="list every counted action under its step")
    parser.add_argument("--shots", type=Path, help="save the window after each step as a PNG in this folder")
    args = parser.parse_args()
    if args.shots is not None:
        args.shots.mkdir(parents=True, exist_ok=True)

    qInstallMessageHandler(quiet_platform)
    app = QApplication.instance() or QApplication([])
    style.apply(app)  # type: ignore[arg-type]
    run = Run(args.size)
    measure(run, args.shots)
    if args.json:
        print(as_json(run))
    elif run.done:
        table(run, args.trace)
    if run.broken is not None:
        print(f"the session's path broke: {run.broken}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
