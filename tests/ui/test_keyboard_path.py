"""A whole session from the chair board to the signature with the keyboard alone.

Nurses in gloves work from the keyboard: every step must be reachable with Tab and Shift+Tab, choices
made with Space and the arrow keys, and forms sent with Enter. The test sends keys only to whichever
control has the focus, as a keyboard does, and never clicks or moves the focus itself; reaching a
control by Tab is part of what it proves.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.machine import Outcome, Step
from core.people import Account
from core.protocol import Protocol, VitalKind
from core.signatures import Meaning
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.window import Nurse
from ui.main_window import MainWindow

TAB_LIMIT = 60
"""More presses than any page has stops: a control not reached by then is not on the Tab path."""


class Keyboard:
    """Keys sent to whichever control has the focus; nothing else."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot

    @property
    def focus(self) -> QWidget:
        focus = QApplication.focusWidget()
        assert focus is not None, "nothing has the keyboard focus"
        return focus

    def press(self, *strokes: str | Qt.Key, shift: bool = False) -> None:
        modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
        for stroke in strokes:
            if isinstance(stroke, str):
                self.qtbot.keyClicks(self.focus, stroke)
            else:
                self.qtbot.keyClick(self.focus, stroke, modifier)

    def tab_to(self, name: str, *, back: bool = False, within: int = TAB_LIMIT) -> QWidget:
        """Tab (or Shift+Tab) until the focus is on the control with this accessible name; every stop
        passed on the way must have a name too, for a screen reader to say."""
        passed = []
        for presses in range(within + 1):
            if self.focus.accessibleName() == name:
                return self.focus
            assert self.focus.accessibleName(), f"a Tab stop without a name: {self.focus!r}, after {passed}"
            passed.append(self.focus.accessibleName())
            if presses == within:
                break
            if back:
                self.qtbot.keyClick(self.focus, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
            else:
                self.qtbot.keyClick(self.focus, Qt.Key.Key_Tab)
        keys = f"{within} {'Shift+' if back else ''}Tab presses"
        raise AssertionError(f"{name!r} not reached in {keys}; passed {passed}")

    def fill(self, name: str, text: str, *, enter: bool = False) -> None:
        """Tab to a field, type into it, and press Enter if asked."""
        self.tab_to(name)
        self.press(text)
        if enter:
            self.press(Qt.Key.Key_Return)

    def tick(self, name: str) -> None:
        """Tab to a tick box or toggle and press Space on it."""
        self.tab_to(name)
        self.press(Qt.Key.Key_Space)

    def activate(self, name: str) -> None:
        """Tab to a button and press it with Space."""
        self.tab_to(name)
        self.press(Qt.Key.Key_Space)

    def vitals(self, protocol: Protocol, values: dict[VitalKind, str]) -> None:
        """Tab to the first reading, type each one with Tab between, and Enter records the set."""
        kinds = list(values)
        self.tab_to(protocol.vitals[kinds[0]].label)
        for kind in kinds:
            assert self.focus.accessibleName() == protocol.vitals[kind].label
            self.press(values[kind])
            self.press(Qt.Key.Key_Return if kind is kinds[-1] else Qt.Key.Key_Tab)


def recorded(care: Care, session_id: str) -> list[E]:
    return [event.type for event in care.state(session_id).events]


def test_a_whole_session_from_the_board_to_the_signature_with_the_keyboard_alone(
    qtbot: QtBot,
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    nurses: tuple[Account, Account],
    protocol: Protocol,
    patient: PatientView,
) -> None:
    first, second = nurses
    # Maja (the fixture) has a course; her brother Nils, listed after her, has none yet.
    nils = care.register_patient("MRN-1002", "Lindqvist", "Nils", "1968-09-02", by=first.id)
    nurse.on_duty(first)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    keys = Keyboard(qtbot)

    # The board: chair 1's number key opens it, and the empty chair waits in the search field.
    assert window.board_showing
    keys.press(Qt.Key.Key_1)
    assert not window.board_showing
    assert keys.focus.accessibleName() == "Search patient"
    keys.press("Lindqvist", Qt.Key.Key_Return)
    keys.tab_to("Search results")
    keys.press(Qt.Key.Key_Home, Qt.Key.Key_Down)  # the second line: Nils
    keys.tick("Full name matches")
    keys.fill("Date of birth given", "1968-09-02")
    keys.activate("Seat patient in chair 1")
    # Nils has no course: the prescriber's order, with the usual first day and length filled in.
    assert keys.focus.accessibleName() == "Prescriber"
    keys.press("Dr Amara Patel")
    keys.tab_to("Number of days")
    keys.press(Qt.Key.Key_Return)
    (view,) = care.chairs()
    sid = view.state.session_id
    assert view.patient.id == nils.id
    assert (view.state.course_day, view.state.course_days) == (1, 5)
    assert care.state(sid).step is Step.SCREEN
    # Each step that moves on hands the keyboard to what the nurse does first on the next page: the
    # first question's "No", never a "Yes" that would stop the treatment.
    first_question = protocol.screening.questions[0].text
    assert keys.focus.accessibleName() == f"{first_question} No"
    keys.press(Qt.Key.Key_Left)  # back along the answers to "Yes", as the others start

    # Screening: each question's answers are one Tab stop; the arrow keys move along Yes, No, Unknown
    # and Space chooses.
    for question in protocol.screening.questions:
        keys.tab_to(f"{question.text} Yes")
        if question.id != "escort":
            keys.press(Qt.Key.Key_Right)
        keys.press(Qt.Key.Key_Space)
    keys.activate("Record screening")
    assert care.state(sid).step is Step.WEIGH
    assert keys.focus.accessibleName() == "Weight"

    # Weigh: the number, then the unit (a toggle: Space), then Enter in the weight records it.
    keys.fill("Weight", "72.4")
    keys.tick("Unit kg")
    keys.tab_to("Weight", back=True)
    keys.press(Qt.Key.Key_Return)
    assert care.state(sid).step is Step.DOSE

    # Dose: read, then confirmed: the keyboard waits on the confirmation.
    assert nurse.text("Dose mg") == "36.2 mg"
    assert keys.focus.accessibleName() == "Confirm dose"
    keys.press(Qt.Key.Key_Space)
    assert care.state(sid).step is Step.CHECK
    assert keys.focus.accessibleName() == "Check weight (kg)"

    # The second nurse at the same keyboard: her own figures, each moving on once typed to the places it is
    # compared at, then her user name and password sign it; Enter records.
    keys.press("72.4", "36.2", "155.4")
    assert keys.focus.accessibleName() == "Second nurse user name"
    keys.press("ben", Qt.Key.Key_Tab, BEN_PASSWORD, Qt.Key.Key_Return)
    assert care.state(sid).step is Step.READY
    assert care.state(sid).checked_by == second.id
    assert keys.focus.accessibleName() == "Volume drawn up (mL)"

    # Ready: the volume drawn up and the lot, the rest of the vial back to stock, baseline vitals, then the
    # pump's rate and VTBI as read off it (the rate moves on by itself once complete); Enter starts.
    keys.press("3.62")  # complete at the protocol's places: on to the lot number by itself
    assert keys.focus.accessibleName() == "Lot number"
    keys.press("K-2291A", Qt.Key.Key_Return)
    assert keys.focus.accessibleName() == "Rest of lot K-2291A returned to stock"
    keys.press(Qt.Key.Key_Space)
    assert keys.focus.accessibleName() == "Rate on the pump (mL/h)"
    keys.vitals(protocol, NORMAL)
    keys.tab_to("Rate on the pump (mL/h)", within=12)  # in the row under the vitals, beside Start
    keys.press("155.4")
    assert keys.focus.accessibleName() == "VTBI on the pump (mL)"
    keys.press("103.6", Qt.Key.Key_Return)
    assert care.state(sid).step is Step.INFUSING
    first_reading = protocol.vitals[next(iter(NORMAL))].label
    assert keys.focus.accessibleName() == first_reading  # the task of the infusion, not a reason to pause

    # Called away: Esc to the board, where chair 1's tile has the focus, and its number key back.
    keys.press(Qt.Key.Key_Escape)
    assert window.board_showing
    assert keys.focus is window.board.tiles[1]
    keys.press(Qt.Key.Key_1)
    assert not window.board_showing

    # Infusing: the 10-minute set, then Pause… opens the reasons, the arrow keys and Space choose one, and resume.
    clock.advance(minutes=10)
    window.refresh()  # the app's own 1-second tick
    keys.vitals(protocol, NORMAL)
    keys.tab_to("Pause…", within=12)
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Right, Qt.Key.Key_Right)
    assert keys.focus.accessibleName() == "Pause reason line problem"
    keys.press(Qt.Key.Key_Space)
    keys.activate("Pause")
    assert care.state(sid).step is Step.PAUSED
    clock.advance(minutes=3)
    window.refresh()
    assert keys.focus.accessibleName() == "Resume"  # where Pause was
    keys.press(Qt.Key.Key_Space)
    assert care.state(sid).step is Step.INFUSING
    for _ in range(2):  # the 20- and 30-minute sets
        clock.advance(minutes=10)
        window.refresh()
        keys.vitals(protocol, NORMAL)
    clock.advance(minutes=10)
    window.refresh()
    keys.tab_to("Infusion complete", within=30)
    keys.press(Qt.Key.Key_Space)
    assert care.state(sid).step is Step.OBSERVE
    assert keys.focus.accessibleName() == first_reading  # the end-of-infusion set is due first

    # Observation: the end set and two more, the side effects graded, then the discharge.
    keys.vitals(protocol, NORMAL)
    for _ in range(2):
        clock.advance(minutes=15)
        window.refresh()
        keys.vitals(protocol, NORMAL)
    if not nurse.sees("Some side effects"):
        keys.activate("Show side effects")  # the checklist is one tab away from the vitals
    keys.activate("Some side effects")
    qtbot.waitUntil(lambda: keys.focus.accessibleName() == "Hallucinations None")  # the checklist's window is up
    keys.tab_to("Nausea None")  # one Tab stop per item: the arrows move along its grades
    keys.press(Qt.Key.Key_Right, Qt.Key.Key_Space)
    assert keys.focus.accessibleName() == "Nausea Mild"
    keys.activate("Record side effects")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)  # back on the chair's page
    window.refresh()
    keys.fill(protocol.discharge.score_name, "10")
    for criterion in protocol.discharge.criteria:
        keys.tick(criterion.text)
    keys.fill("Your password (discharge)", ANA_PASSWORD, enter=True)
    assert care.state(sid).step is Step.SIGN
    assert keys.focus.accessibleName() == "Your password (sign)"

    # Sign: the password and Enter.
    keys.fill("Your password (sign)", ANA_PASSWORD, enter=True)
    assert care.chairs() == []

    state = care.state(sid)
    assert state.step is Step.DONE
    assert state.outcome is Outcome.COMPLETED
    assert recorded(care, sid) == [
        E.OPENED,
        E.SCREENED,
        E.WEIGHED,
        E.DOSE_CALCULATED,
        E.CHECKED,
        E.DRAWN,
        E.RETURNED,
        E.VITALS,
        E.PUMP_PROGRAMMED,
        E.STARTED,
        E.VITALS,
        E.PAUSED,
        E.RESUMED,
        E.VITALS,
        E.VITALS,
        E.COMPLETED,
        E.VITALS,
        E.VITALS,
        E.VITALS,
        E.SIDE_EFFECTS,
        E.DISCHARGED,
        E.SIGNED,
    ]
    by_type = {event.type: event for event in state.events}
    assert by_type[E.OPENED].payload["identifiers_confirmed"] == ["birth_date", "name"]
    answers = by_type[E.SCREENED].payload["answers"]
    assert answers == {q.id: "yes" if q.id == "escort" else "no" for q in protocol.screening.questions}
    assert (by_type[E.WEIGHED].payload["entered"], by_type[E.WEIGHED].payload["unit"]) == ("72.4", "kg")
    assert by_type[E.CHECKED].recorded_by == second.id
    assert by_type[E.DRAWN].payload["lot"] == "K-2291A"
    assert by_type[E.PAUSED].payload == {"reason": "line problem"}
    vitals = [event.payload["values"] for event in state.events if event.type is E.VITALS]
    assert vitals == [{kind.value: value for kind, value in NORMAL.items()}] * 7
    assert by_type[E.SIDE_EFFECTS].payload["grades"] == {"nausea": "mild"}
    assert by_type[E.DISCHARGED].payload["score"] == 10
    assert by_type[E.SIGNED].recorded_by == first.id
    assert [(s.signer_id, s.meaning) for s in state.signatures] == [
        (second.id, Meaning.VERIFIED),
        (first.id, Meaning.VERIFIED),
        (first.id, Meaning.ADMINISTERED),
    ]
    assert state.infusion.infused == timedelta(minutes=40)
