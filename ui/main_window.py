"""The main window: who is signed in, the chair board as home, and one chair's pages when opened.

The board shows every chair as a tile; opening one shows its pages with the other chairs listed down
the left, still coloured by what they need, and Esc or "All chairs" goes back to the board.
One 1-second timer calls ``refresh()``, which re-reads every open session from core and redraws.
It counts nothing itself: each time left is computed by core from recorded events and the clock.
Nobody records anything until they sign in; after the clinic's idle minutes the window locks itself.
Locking only covers the work with the lock screen, so nothing typed is lost and no countdown stops.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.about import name_and_version
from core.alarms import Alarm, AlarmPolicy, alarms_of
from core.attention import TECHNICAL_WORDS, Priority
from core.board import Tile, tile
from core.clock_watch import ClockWatch, Jump
from core.discharge import going_home_sheet_allowed
from core.machine import Step
from core.paths import cache_dir
from core.people import ROLE_WORDS
from core.startup import Workplace
from core.views import STEP_WORDS, ChairView, SilencedAlarm
from ui import accessible
from ui.alarm_sound import NO_SOUND, AlarmSound
from ui.announce import announce
from ui.board import ChairBoard
from ui.chair_list import ChairList
from ui.controller import Controller
from ui.lock_screen import LockScreen
from ui.opening import SIZE, show_fitted
from ui.print_jobs import Ended
from ui.printouts import Printouts, my_chairs
from ui.scanner import Scans
from ui.screens.admin_home import AdminHome
from ui.style import mark
from ui.text import clock_time, countdown
from ui.wheel_guard import guard_the_wheel
from ui.widgets.elided import Elided
from ui.widgets.forms import button, card, label, set_tone

if TYPE_CHECKING:
    from ui.chair_panel import ChairPanel

TICK_MS = 1000
SETTLE_TURNS = 2
"""Passes of the event loop's timers after the window's first paint before ``settle()``."""
WHO_WIDTH = 180
"""The widest a signed-in name is shown in the top bar, in pixels; a longer one ends in "…"."""
CHAIR_LIST_WIDTH = (200, 270)
"""The chair list beside a chair's pages: a fifth of the window, no narrower or wider than these pixels."""
ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


def unfinished_item(view: ChairView) -> str:
    """One chair as it stood at start, short: the chair list beside it names the patient."""
    state = view.state
    text = f"chair {view.chair} ({STEP_WORDS[state.step].lower()}"
    if state.step in {Step.INFUSING, Step.PAUSED}:
        text += f", {countdown(state.infusion.remaining)} left"
    return text + ")"


def jump_words(jump: Jump) -> str:
    """What happened to the clock in plain words, and what the nurse does about it."""
    minutes = max(1, round(jump.size.total_seconds() / 60))
    hours, rest = divmod(minutes, 60)
    size = " and ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((hours, "hour"), (rest, "minute")) if n)
    what = (
        f"The computer was asleep, or its clock was put forward, by {size}"
        if jump.forward
        else f"The computer's clock was put back by {size}"
    )
    return (
        f"{what} (noticed at {clock_time(jump.noticed_at)}). Each time left is counted from the recorded "
        "start and this computer's clock, so it moved too. Look at every running pump and check the time "
        "it shows against the time left here."
    )


def banner(role: str, name: str, dismiss_name: str) -> tuple[QFrame, QLabel]:
    """A hidden strip across the window with a message and a Dismiss button."""
    frame = card(role)
    row = QHBoxLayout(frame)
    text = label(name=name)
    row.addWidget(text, 1)
    dismiss = button("Dismiss", dismiss_name)
    dismiss.clicked.connect(frame.hide)
    row.addWidget(dismiss)
    frame.hide()
    return frame, text


class IdleWatch(QObject):
    """Notices any key, click or touch anywhere in the application: the time since is the idle time."""

    def __init__(self, limit_minutes: int) -> None:
        super().__init__()
        self.limit_ms = limit_minutes * 60_000
        self.since = QElapsedTimer()  # monotonic: a change of the computer's clock does not lock or unlock
        self.since.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in ACTIVITY:
            self.since.restart()
        return False  # QObject.eventFilter's answer, without a call into Qt for every event

    @property
    def expired(self) -> bool:
        return self.since.hasExpired(self.limit_ms)


class MainWindow(QMainWindow):
    def __init__(self, workplace: Workplace) -> None:
        super().__init__()
        self.workplace = workplace
        accessible.install()
        self.controller = Controller(workplace)
        self.setWindowTitle(f"{name_and_version()} — {workplace.clinic.clinic_name}")
        self.resize(*SIZE)
        self.panels: dict[int, ChairPanel] = {}
        self._views: dict[int, ChairView] = {}
        self._board_read = False
        """Whether ``_views`` holds a reading of the board (the list of unfinished sessions uses the first)."""
        self._typed_by: str | None = None
        self._left_at: tuple[str, QWidget] | None = None
        """Who locked the screen and where the keyboard was: that nurse, back, carries on there."""
        self._last_field: QLineEdit | None = None
        """Whose typing the chair pages hold (they are cleared when someone else signs in)."""

        self.screens = QStackedWidget()
        self.setCentralWidget(self.screens)
        # The window's size is the screen's, never a page's: a page whose minimum grows for a moment while
        # its layout settles (a message wrapping in an action bar) would otherwise push the window past the
        # edge of a 1024-pixel screen. Each page is made to fit; the tests check every page's minimum.
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        # Each container is put in its place before it is filled (top down): a tree of widgets built on its
        # own and then put in the window is walked again whole as it moves in (Qt's focus chain, fonts,
        # palettes and style for every widget in it), some 25 ms of a start for this window's pages.
        central = QWidget()
        self.screens.addWidget(central)
        layout = QVBoxLayout(central)

        # The bar keeps to what a nurse needs at a glance and often, so it fits a 1024-pixel screen with the
        # alarm controls and a long name showing; what is used now and then is one tap away under "Menu".
        self.top_bar = QWidget()
        layout.addWidget(self.top_bar)
        top = QHBoxLayout(self.top_bar)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(4)
        self.wall_clock = label(role="wall-clock", name="Time now", wrap=False)  # every record is read against it
        top.addWidget(self.wall_clock)
        # The alarm controls first after the clock, on screen and in Tab order: they matter most when they show.
        self.silence_button = button("Silence alarms", "Silence the alarm sound", role="danger")
        self.silence_button.clicked.connect(self._silence)
        self.silence_button.hide()
        top.addWidget(self.silence_button)
        self.silenced = label(name="Alarm sound silenced", wrap=False)  # short: its full words are its description
        set_tone(self.silenced, "advise")
        self.silenced.hide()
        top.addWidget(self.silenced)
        self.who = label(role="heading", name="Signed in", wrap=False)
        top.addWidget(self.who)
        self.lock_button = button("Lock", "Lock the screen")
        self.lock_button.clicked.connect(self.controller.lock)
        self.switch_button = button("Switch user")
        self.switch_button.clicked.connect(self._switch_user)
        top.addWidget(self.lock_button)
        top.addWidget(self.switch_button)
        self.printouts = Printouts(self.controller, self)
        self.print_menu = button("Print", "Print menu")
        printing = QMenu(self.print_menu)  # each printout the app offers is one entry here
        self.print_summary = printing.addAction("Session summary of the open chair…", self._print_summary)
        self.print_handoff = printing.addAction("Handoff sheet of the open chair…", self._print_handoff)
        self.print_my_handoff = printing.addAction(
            "Handoff sheet of all my chairs…", lambda: self.printouts.handoff(self._my_chairs())
        )
        self.print_escort = printing.addAction("Going-home sheet of the open chair…", self._print_escort)
        printing.addAction("Downtime forms…", self.printouts.downtime_forms)
        printing.aboutToShow.connect(self._offer_printouts)
        self.print_menu.setMenu(printing)
        top.addWidget(self.print_menu)
        self.menu_button = button("Menu")
        menu = QMenu(self.menu_button)  # each entry is named as its button was, for the nurse and the tests
        # The open chair's patient beyond today's session: in the menu, so the chair's page keeps its height.
        self.forms_here = menu.addAction("Outcome forms of the open chair's patient…", self._record_forms)
        self.courses_here = menu.addAction("Courses of the open chair's patient…", self._open_courses)
        menu.aboutToShow.connect(self._offer_patient_actions)
        menu.addSeparator()
        self.day_log = menu.addAction("Day log…", self._show_day_log)
        self.outcomes = menu.addAction("Outcome report…", lambda: self._ask("outcome_report", "OutcomeReportDialog"))
        self.import_outcomes = menu.addAction(
            "Import outcome forms…", lambda: self._ask("outcome_import", "OutcomeImportDialog")
        )
        self.follow_ups = menu.addAction("Follow-ups due…", lambda: self._ask("follow_ups", "FollowUpsDialog"))
        self.quality = menu.addAction("Quality report…", lambda: self._ask("quality_report", "QualityReportDialog"))
        self.addenda = menu.addAction("Signed sessions and addenda…", lambda: self._ask("addendum", "AddendumDialog"))
        self.people = menu.addAction("Manage people…", lambda: self._ask("people", "PeopleDialog"))
        self.audit = menu.addAction("Audit trail…", lambda: self._ask("audit_view", "AuditDialog"))
        menu.addSeparator()  # what follows is the signed-in person's own account
        menu.addAction("Change my password…", lambda: self._ask("password", "ChangePasswordDialog"))
        self.my_pin = menu.addAction("Set or remove my PIN…", lambda: self._ask("password", "PinDialog"))
        self.menu_button.setMenu(menu)
        top.addWidget(self.menu_button)
        # The clinic's name in all of the top bar's spare room, right-aligned, cut short before it could push
        # a button off a small screen: no strip of its own under the pages, whose height a 1024×768 cart needs.
        # Under it, the status line: when the last good backup was taken.
        corner = QVBoxLayout()
        corner.setSpacing(0)
        clinic = Elided("hint", "Clinic")
        clinic.setText(workplace.clinic.clinic_name)
        self.backup_line = Elided("hint", "Backups")
        for line in (clinic, self.backup_line):
            line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            corner.addWidget(line)
        top.addLayout(corner, 1)
        self.no_sound = label(NO_SOUND, name="Sound unavailable")
        set_tone(self.no_sound, "advise")
        self.no_sound.hide()
        layout.addWidget(self.no_sound)

        # The database away: said until it is back and all saved here is sent (nothing to dismiss).
        self.away = card("banner-act")
        mark(self.away, "kind", "technical")
        self.away_text = label(name="Database away")
        QHBoxLayout(self.away).addWidget(self.away_text, 1)
        self.away.hide()
        layout.addWidget(self.away)
        # Entries saved here that a nurse must decide on: said until each is decided.
        self.held = card("banner-advise")
        mark(self.held, "kind", "technical")
        held_row = QHBoxLayout(self.held)
        self.held_text = label(name="Entries to decide")
        held_row.addWidget(self.held_text, 1)
        decide = button("Decide…", "Decide on entries saved here")
        decide.clicked.connect(lambda: self._ask("held_entries", "HeldEntriesDialog"))
        held_row.addWidget(decide)
        self.held.hide()
        layout.addWidget(self.held)
        self.trouble, self.trouble_text = banner("banner-act", "Trouble", "Dismiss trouble")
        mark(self.trouble, "kind", "technical")  # software, not the patient: marked apart, as on the tiles
        layout.addWidget(self.trouble)
        # Seen by every role: an administrator is who mends the backups.
        self.backup_notice, self.backup_notice_text = banner("banner-advise", "Backup notice", "Dismiss backup notice")
        mark(self.backup_notice, "kind", "technical")
        layout.addWidget(self.backup_notice)
        # A copy sent to a printer that did not come out: low priority, technical, until acknowledged, so a
        # handoff sheet that never printed is not believed printed.
        self.print_notice, self.print_notice_text = banner("banner-advise", "Print notice", "Acknowledge print notice")
        mark(self.print_notice, "kind", "technical")
        self.print_notice.findChild(QAbstractButton).setText("Acknowledge")
        layout.addWidget(self.print_notice)
        self.controller.prints.ended.connect(self._print_ended)
        # Everything that shows patients, hidden as a whole from accounts that do not record care.
        self.care_area = QWidget()
        layout.addWidget(self.care_area, 1)
        care_layout = QVBoxLayout(self.care_area)
        care_layout.setContentsMargins(0, 0, 0, 0)
        self.notice, self.notice_text = banner("banner-advise", "Unfinished sessions", "Dismiss notice")
        care_layout.addWidget(self.notice)
        self.clock_jump, self.clock_jump_text = banner("banner-act", "Clock jumped", "Dismiss clock jump")
        mark(self.clock_jump, "kind", "technical")
        self.clock_jump.findChild(QAbstractButton).clicked.connect(self._clock_jump_read)
        care_layout.addWidget(self.clock_jump)
        self.scan_notice_at = care_layout.count()  # the scans' notice goes here, once the chair list exists

        self.care_pages = QStackedWidget()
        care_layout.addWidget(self.care_pages, 1)
        self.board = ChairBoard(workplace.chairs, self.care_pages)
        self.board.opened.connect(self.open_chair)
        self.care_pages.addWidget(self.board)
        self.chair_page = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.to_board = button("◀ All chairs (Esc)", "All chairs")
        self.to_board.clicked.connect(self.show_board)
        left_layout.addWidget(self.to_board)
        self.chair_list = ChairList(workplace.chairs)
        self.chair_list.chair_chosen.connect(self._chair_chosen)
        left_layout.addWidget(self.chair_list, 1)
        self.right = QStackedWidget()
        self.chair_page.addWidget(left)
        self.chair_page.addWidget(self.right)
        self.chair_page.setStretchFactor(1, 1)
        self.chair_page.setChildrenCollapsible(False)
        self.care_pages.addWidget(self.chair_page)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.chair_page)  # only while a chair is open
        back.activated.connect(self.show_board)
        self.no_care = AdminHome(self.controller)
        layout.addWidget(self.no_care, 1)
        self.work = central
        self.lock_screen = LockScreen(self.controller, workplace.chairs, self.screens)
        self.screens.addWidget(self.lock_screen)

        self.controller.changed.connect(self.refresh)
        self.controller.trouble.connect(self._show_trouble)
        self.controller.trouble_over.connect(self.trouble.hide)
        self.controller.trouble_over.connect(self.lock_screen.trouble_note.hide)
        self.controller.user_changed.connect(self._user_changed)

        self.alarm = AlarmSound(cache_dir() / "sounds")  # made ready by settle(), or by the first tone sooner
        self.alarm.unavailable.connect(self._no_sound)
        self.alarm_policy = AlarmPolicy()
        self._alarms: tuple[Alarm, ...] = ()
        self.alarm_clock = QElapsedTimer()  # monotonic, like the idle time
        self.alarm_clock.start()
        self.idle = IdleWatch(workplace.clinic.lock_minutes)
        # Core's clock on both sides, wall and monotonic, so a test's clock drives both.
        self.clock_watch = ClockWatch(workplace.care.clock)
        self._jump_shown: Jump | None = None
        self._gone_shown: str | None = None
        self._backup_said = ""
        self.controller.backups_changed.connect(self._show_backups)
        self._show_backups()  # the status line says something from the start
        QApplication.instance().focusChanged.connect(self._note_the_field)
        self._noting_fields = True
        self.scans = Scans(self)  # a wristband scan anywhere finds its patient, never a shortcut or a field
        care_layout.insertWidget(self.scan_notice_at, self.scans.notice)
        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self._tick)
        self.settled = False
        """Whether ``settle()`` has run."""
        self._settling = QTimer(self)  # last: ``event()`` reads it as the sign that the window is built
        self._settling.setSingleShot(True)
        self._settling.timeout.connect(self._settle_turn)
        self._turns_to_settle = SETTLE_TURNS
        self._user_changed()  # the lock screen, which reads the board
        self._offer_unfinished()
        self.tick.start()

    # ---- once on screen ---------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        """The window's first paint done (Qt paints a window's widgets as it handles its ``UpdateRequest``),
        ``settle()`` follows in a later turn of the event loop: the board is on screen first."""
        handled = super().event(event)
        settling = getattr(self, "_settling", None)  # None while the window is being built
        first = settling is not None and not self.settled and self._turns_to_settle == SETTLE_TURNS
        if first and event.type() == QEvent.Type.UpdateRequest and not settling.isActive():
            settling.start(0)
        return handled

    def _settle_turn(self) -> None:
        """A timer started while Qt activates timers fires in its next pass at the soonest: counting down
        turns from the paint, ``settle()`` comes after whatever that turn of the loop had queued."""
        self._turns_to_settle -= 1
        if self._turns_to_settle > 0:
            self._settling.start(0)
        else:
            self.settle()

    def settle(self) -> None:
        """What the board need not wait for, done once it is painted, or sooner when someone signs in
        (``_user_changed``), whichever comes first; it runs once.

        - The application-wide event filters: the wheel guard, the idle watch and the scan catcher. The
          first object of a class PySide6 does not wrap (Qt's private ones: a label's text control) that
          any Python filter sees makes PySide6 create every QObject class it has not made yet, with their
          enums: ~30 ms a start need not wait for. Until someone signs in none of them matters: the idle
          time locks only a signed-in nurse's screen, a scan is listened for only while someone is signed
          in, and the first screen (the lock screen) holds no control the wheel could change; the wheel
          guard also sets the controls built before it (``guard_the_wheel``).
        - The alarm sound (Qt Multimedia and its tones): a tone asked for sooner makes it ready first
          (``AlarmSound.play``), so no alarm waits for it.
        - The signed-in board's tiles (``ChairBoard.fill``): until someone signs in, the lock screen's show."""
        if self.settled:
            return
        self.settled = True
        self._settling.stop()
        self.board.fill()
        app = QApplication.instance()
        guard_the_wheel(app)
        app.installEventFilter(self.idle)
        self.scans.listen()
        self.alarm.prepare()

    # ---- chairs ---------------------------------------------------------------------------------

    def _ask(self, module: str, dialog: str) -> None:
        """A menu's dialog, its module loaded when it is first asked for: not every start pays for every
        dialog the menus offer (most are opened now and then, some never on a given workstation)."""
        getattr(import_module(f"ui.dialogs.{module}"), dialog).ask(self.controller, self)

    def panel(self, chair: int) -> ChairPanel:
        from ui.chair_panel import ChairPanel  # with the first chair opened, not at start (~0.2 s of screens)

        if chair not in self.panels:
            self.panels[chair] = ChairPanel(self.controller, chair)
            self.right.addWidget(self.panels[chair])
        return self.panels[chair]

    def open_chair(self, chair: int) -> None:
        """From the board: the chair's pages, as the nurse left them."""
        self.care_pages.setCurrentWidget(self.chair_page)
        if self.chair_list.current_chair() == chair:
            self._chair_chosen(chair)
        else:
            self.chair_list.choose(chair)  # its signal opens the chair

    def show_board(self) -> None:
        """Home: every chair at a glance. The chair's pages keep whatever was typed on them."""
        came_from = self.chair_list.current_chair()
        if came_from is not None:
            self.panel(came_from).keep_focus(QApplication.focusWidget())
        self.care_pages.setCurrentWidget(self.board)
        self.refresh()
        if came_from is not None:
            self.board.focus_chair(came_from)

    @property
    def board_showing(self) -> bool:
        return self.care_pages.currentWidget() is self.board

    def _chair_chosen(self, chair: int) -> None:
        self.care_pages.setCurrentWidget(self.chair_page)
        self.right.setCurrentWidget(self.panel(chair))
        self.refresh()
        self._record_view()
        if not self.chair_list.hasFocus():  # from the list, the arrow keys stay in the list
            self.panel(chair).take_focus()

    def _record_view(self) -> None:
        """Opening a chair with a patient in it is a view of that patient's record."""
        if self.board_showing:
            return  # the board shows names and times, not the record
        view = self._views.get(self.chair_list.current_chair() or 0)
        user = self.controller.user
        if view is not None and self.controller.nurse_id is not None and user is not None and user.can_record_care:
            self.controller.record_view(view.patient.id, view.state.session_id)

    def _tick(self) -> None:
        if self.controller.nurse_id is not None and self.idle.expired:
            self.controller.lock()
        self._watch_the_clock()
        self._watch_the_storage()
        self.controller.note_the_trail()
        self.controller.keep_backups()
        self.controller.prints.follow()
        self.refresh()

    def _watch_the_clock(self) -> None:
        """A jump of the computer's clock moved every countdown: say so until someone has read it."""
        jump = self.clock_watch.check()
        if jump is None or jump == self._jump_shown:
            return
        self._jump_shown = jump
        words = TECHNICAL_WORDS + jump_words(jump)
        self.clock_jump_text.setText(words)
        self.clock_jump.show()
        self.lock_screen.clock_note.setText(words)
        self.lock_screen.clock_note.show()

    def _watch_the_storage(self) -> None:
        """The database file gone while open: said on every screen, and on the lock screen, until Chairside
        is started again on a database that is there (it cannot be dismissed: nothing can be saved)."""
        if self._gone_shown or self.controller.away_words() is not None:
            return  # with a journal, the database's own banner says it all (``_watch_the_database``)
        words = self.controller.storage_gone()
        if words is None:
            return
        self._say_trouble(TECHNICAL_WORDS + words)  # its own words: they say what was saved and what was not
        self._gone_shown = words
        self.trouble.findChild(QAbstractButton).hide()

    def _watch_the_database(self) -> None:
        """Entries saved on this workstation while the database is away, and those a nurse must decide on:
        said on every screen, the lock screen too, until they are sent or decided."""
        words = self.controller.away_words()
        said = TECHNICAL_WORDS + words if words else ""
        if said != self.away_text.text():
            self.away_text.setText(said)
            self.away.setVisible(bool(words))
            self.lock_screen.away_note.setText(said)
            self.lock_screen.away_note.setVisible(bool(words))
        if words:  # an older "could not save" note would contradict what is kept here: this one says it all
            self.trouble.hide()
            self.lock_screen.trouble_note.hide()
        held = self.controller.held_count()
        if held:
            noun = "entry kept on this computer is" if held == 1 else "entries kept on this computer are"
            self.held_text.setText(
                f"{TECHNICAL_WORDS}{held} {noun} not in the clinic's record yet: someone recorded on the same "
                "session since. Decide what to do with each."
            )
        self.held.setVisible(bool(held))

    def _show_backups(self) -> None:
        """The status line says when the last good backup was taken; a notice says when that is longer ago
        than the clinic's schedule allows, or the folder cannot be reached (once, until it changes)."""
        found = self.controller.backup_status()
        if found is None:
            return  # one is being taken
        line, notice = found.words(self.controller.now())
        failed = self.controller.backup_failed
        if failed is not None:  # its own words first: why this one could not be written
            notice = f"The last backup could not be written: {failed.message} {failed.advice} {notice}".strip()
        self.backup_line.setText(line)  # plain: the notice below the bar is what asks for attention
        if notice != self._backup_said:
            self._backup_said = notice
            self.backup_notice_text.setText(TECHNICAL_WORDS + notice)
            self.backup_notice.setVisible(bool(notice))

    def _print_ended(self, ended: Ended) -> None:
        """A copy that did not print is said until acknowledged; the next one that fails replaces it."""
        if not ended.printed:
            self.print_notice_text.setText(TECHNICAL_WORDS + ended.words())
            self.print_notice.show()
            announce(self.print_notice_text, ended.words())

    def _clock_jump_read(self) -> None:
        if self._jump_shown is not None:
            self.clock_watch.acknowledge(self._jump_shown)
        self._jump_shown = None
        self.lock_screen.clock_note.hide()

    def refresh(self) -> None:
        """Re-read every open session from core and redraw; the timer calls this once a second."""
        now = self.controller.now()
        self._show_time(now)
        views = self.controller.chairs()
        self._watch_the_database()
        # Unreadable now (the banner says why): every countdown runs on from what was last read.
        by_chair = {view.chair: view for view in views} if views is not None else self._views
        self._views = by_chair
        self._board_read = self._board_read or views is not None
        named = self.controller.staff_name
        tiles: dict[int, Tile] = {chair: tile(view, now, named) for chair, view in by_chair.items()}  # once, for all
        # Heard before the redraw, so the chair's own alert panel says its details after the urgent words.
        self._sound_alarms(alarms_of({chair: t.need for chair, t in tiles.items() if chair in self.workplace.chairs}))
        if self.screens.currentWidget() is self.lock_screen:  # switching screens refreshes the other
            self.lock_screen.show_chairs(tiles, by_chair)
        elif self.board_showing:
            self.board.show_chairs(tiles, by_chair)
        else:
            self.chair_list.show_chairs(tiles, by_chair)
            chair = self.chair_list.current_chair()
            if chair is not None:
                self.panel(chair).show_view(by_chair.get(chair))

    def _show_time(self, now: datetime) -> None:
        """The wall clock, from core's clock like every recorded time, on the work and the lock screen."""
        shown = clock_time(now)
        for clock in (self.wall_clock, self.lock_screen.wall_clock):
            if clock.text() != shown:
                clock.setText(shown)

    def _open_session(self) -> str | None:
        """The session on the chair whose pages are showing, if any."""
        chair = None if self.board_showing else self.chair_list.current_chair()
        view = self._views.get(chair) if chair is not None else None
        return view.state.session_id if view is not None else None

    def _offer_printouts(self) -> None:
        """Each entry is offered when it can print something: an open chair, a patient going home."""
        session_id = self._open_session()
        self.print_summary.setEnabled(session_id is not None)
        self.print_handoff.setEnabled(session_id is not None)
        self.print_my_handoff.setEnabled(bool(self._my_chairs()))
        view = self._views.get(self.chair_list.current_chair() or 0) if session_id else None
        self.print_escort.setEnabled(view is not None and going_home_sheet_allowed(view.state))

    def _offer_patient_actions(self) -> None:
        """The open chair's patient's forms and courses, offered while a chair with a session is open."""
        chair = self.chair_list.current_chair() if self._open_session() is not None else None
        self.courses_here.setEnabled(chair is not None)
        self.forms_here.setEnabled(chair is not None and self.panel(chair).forms_offered)

    def _record_forms(self) -> None:
        chair = self.chair_list.current_chair()
        if self._open_session() is not None and chair is not None:
            self.panel(chair).record_forms()

    def _open_courses(self) -> None:
        chair = self.chair_list.current_chair()
        if self._open_session() is not None and chair is not None:
            self.panel(chair).open_courses()

    def _my_chairs(self) -> list[int]:
        return my_chairs(list(self._views.values()), self.controller.nurse_id)

    def _print_summary(self) -> None:
        session_id = self._open_session()
        if session_id is not None:
            self.printouts.session_summary(session_id)

    def _print_handoff(self) -> None:
        chair = self.chair_list.current_chair()
        if self._open_session() is not None and chair is not None:
            self.printouts.handoff([chair])

    def _print_escort(self) -> None:
        session_id = self._open_session()
        if session_id is not None:
            self.printouts.escort_sheet(session_id)

    def _sound_alarms(self, alarms: tuple[Alarm, ...]) -> None:
        """What the board shows is heard too, whoever is signed in and locked or not; a new act-now alarm
        is also announced to a screen reader, which moves nothing the nurse is doing."""
        for alarm in alarms:
            if alarm.need.priority is Priority.HIGH and alarm not in self._alarms:
                words = "; ".join(alarm.need.lines)
                announce(self, f"Chair {alarm.chair}, high-priority alarm: {words}", urgent=True)
        self._alarms = alarms
        now = self.alarm_clock.elapsed()
        due = self.alarm_policy.due(alarms, now)
        if due is not None and not self.alarm.play(due):
            self._no_sound(NO_SOUND)
        silenced = self.alarm_policy.silenced(now)
        self.silence_button.setVisible(bool(self.alarm_policy.audible(alarms, now)))
        self.silenced.setVisible(silenced)
        self.lock_screen.silenced_note.setVisible(silenced)

    def _silence(self) -> None:
        """Acknowledge the alarms sounding now: quiet for the clinic's few minutes while the nurse deals
        with them. The colours stay on, a new alarm still sounds, and who silenced what is audited."""
        minutes = self.controller.clinic().alarm_silence_minutes
        now = self.alarm_clock.elapsed()
        audible = self.alarm_policy.audible(self._alarms, now)
        acknowledged = self.alarm_policy.silence(audible, now, minutes)
        self.controller.alarm_silenced(
            [
                SilencedAlarm(
                    a.chair, a.need.priority.value, a.need.text, view.patient.id, view.state.session_id, a.need.key
                )
                for a in sorted(acknowledged, key=lambda a: a.chair)
                if (view := self._views.get(a.chair)) is not None
            ],
            minutes,
        )
        until = clock_time(self.controller.now() + timedelta(minutes=minutes))
        now_silenced = ", ".join(str(a.chair) for a in sorted(acknowledged, key=lambda a: a.chair))
        all_silenced = ", ".join(map(str, self.alarm_policy.silenced_chairs(now)))
        who = self.controller.user.name if self.controller.user else ""
        words = (
            f"Alarm sound for chair {now_silenced} silenced by {who} until {until} (silenced now: chair "
            f"{all_silenced}); each comes back by itself, and a new alarm still sounds."
        )
        self.silenced.setText(f"Sound silenced\nuntil {until}")  # short in the bar, whole on hover and when read
        self.silenced.setToolTip(words)
        self.silenced.setAccessibleDescription(words)
        self.lock_screen.silenced_note.setText(words)
        self.refresh()

    def _no_sound(self, text: str) -> None:
        self.no_sound.show()
        self.lock_screen.sound_note.setText(text)
        self.lock_screen.sound_note.show()

    def _offer_unfinished(self) -> None:
        """After a crash or restart the board opens with a list of what was left running (from the board's
        first reading, not a second one)."""
        views = list(self._views.values()) if self._board_read else self.controller.chairs() or []
        if views:
            items = "; ".join(unfinished_item(view) for view in views)
            self.notice_text.setText(
                f"Unfinished sessions when Chairside started: {items}. Each chair's tile says what it needs."
            )
            self.notice.show()

    # ---- who is at the keyboard -----------------------------------------------------------------

    def _user_changed(self) -> None:
        """Show the work to a signed-in, unlocked user, and the lock screen to everyone else."""
        user = self.controller.user
        if self.controller.nurse_id is None:
            for dialog in self.findChildren(QDialog):
                if dialog.isVisible():
                    dialog.reject()  # a dialog left open would stay usable, and readable, over the lock
            for field in self.work.findChildren(QLineEdit):
                if field.echoMode() is QLineEdit.EchoMode.Password:
                    field.clear()  # a colleague's password typed half-way must not wait behind the lock
            if self.screens.currentWidget() is not self.lock_screen:
                self._remember_the_keyboard()
                self.screens.setCurrentWidget(self.lock_screen)
                self.lock_screen.prepare()
                self.refresh()
            return
        assert user is not None
        self.settle()  # before anyone can do anything: see settle()
        from ui.dialogs.password import PinDialog  # the account dialogs: at the first sign-in, not at start

        self._show_who(user.name, ROLE_WORDS[user.role])
        self.my_pin.setVisible(PinDialog.offered(self.controller))
        self.addenda.setVisible(user.can_record_care)
        self.print_menu.setVisible(user.can_record_care)
        self.forms_here.setVisible(user.can_record_care)
        self.courses_here.setVisible(user.can_record_care)
        self.people.setVisible(user.can_manage_people)
        self.audit.setVisible(user.can_read_audit)
        self.day_log.setVisible(user.can_review_day)
        self.outcomes.setVisible(user.can_review_day)
        self.import_outcomes.setVisible(user.can_review_day and user.can_record_care)  # the charge nurse's
        self.follow_ups.setVisible(user.can_review_day)
        self.quality.setVisible(user.can_read_quality)
        self.care_area.setVisible(user.can_record_care)
        self.no_care.setVisible(not user.can_record_care)
        if self._typed_by not in {None, user.id}:
            self._discard_unsaved()
        self._typed_by = user.id
        was_locked = self.screens.currentWidget() is self.lock_screen
        self.screens.setCurrentWidget(self.work)
        if not user.can_record_care:
            self.no_care.take_focus()  # an administrator's first job: adding the nurses
        self.idle.limit_ms = self.controller.clinic().lock_minutes * 60_000  # as the clinic has it now
        self.idle.since.restart()
        if was_locked:
            self.refresh()
            self._record_view()
        if not self._return_the_keyboard(user.id):
            self._focus_the_work()
        if user.must_change_password:
            # After the sign-in's own signal has finished: the dialog runs its own event loop.
            QTimer.singleShot(0, self._require_new_password)

    def _show_who(self, name: str, role: str) -> None:
        """Name over role, two short lines; a name too long for the bar is cut with "…" and said in full
        to a hover and to a screen reader, so the bar's buttons keep their room at 1024 pixels."""
        self.who.ensurePolished()  # the heading's font, which the width is measured in
        shown = self.who.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, WHO_WIDTH)
        self.who.setText(f"{shown}\n{role}")
        self.who.setToolTip(f"{name}, {role}")
        self.who.setAccessibleDescription("Signed in" if shown == name else f"Signed in: {name}, {role}")

    def _note_the_field(self, _old: QWidget | None, new: QWidget | None) -> None:
        """The last field typed in on the work (not a password): where an unlock hands the keyboard back,
        though a click on "Lock" took it to the button."""
        secret = isinstance(new, QLineEdit) and new.echoMode() is QLineEdit.EchoMode.Password
        if isinstance(new, QLineEdit) and not secret and self.work.isAncestorOf(new):
            self._last_field = new

    def _remember_the_keyboard(self) -> None:
        user, field = self.controller.user, self._last_field
        self._left_at = (user.id, field) if user is not None and field is not None else None

    def _return_the_keyboard(self, user_id: str) -> bool:
        """The same nurse back from the lock: the keyboard where she left it (the field she was typing
        in), if it is still there to use. Someone else starts from the work's usual place."""
        left, self._left_at = self._left_at, None
        if left is None or left[0] != user_id or not shiboken6.isValid(left[1]):
            return False
        widget = left[1]
        if not (widget.isVisible() and widget.isEnabled()):
            return False
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _focus_the_work(self) -> None:
        """After sign-in the keyboard is where the nurse works (the board's first chair, or the open
        chair's page), never on "Lock" or "Switch user", which the lock screen's fields handed it to."""
        if not self.care_area.isVisible():
            return
        if self.board_showing:
            self.board.focus_chair(min(self.board.tiles, default=0))
        elif (chair := self.chair_list.current_chair()) is not None:
            self.panel(chair).take_focus()

    def _require_new_password(self) -> None:
        """A password an administrator typed is never used for care: it is replaced before anything else."""
        user = self.controller.user
        if user is not None and user.must_change_password and not self.controller.locked:
            from ui.dialogs.password import ChangePasswordDialog

            ChangePasswordDialog.ask(self.controller, self, forced=True)

    def _discard_unsaved(self) -> None:
        """A colleague takes over: what the last nurse typed but did not save must not be saved in the
        new nurse's name, so every chair's pages start afresh from what is recorded."""
        for panel in self.panels.values():
            self.right.removeWidget(panel)
            panel.deleteLater()
        self.panels.clear()
        chair = self.chair_list.current_chair()
        if chair is not None:
            self.right.setCurrentWidget(self.panel(chair))

    def _show_day_log(self) -> None:
        """The charge nurse's day; a session still open that she chooses is opened on its chair."""
        from ui.dialogs.day_log import DayLogDialog

        chair = DayLogDialog.ask(self.controller, self, self.workplace.chairs)
        if chair is not None and self.controller.nurse_id is not None:
            self.open_chair(chair)

    def _switch_user(self) -> None:
        """Hand the workstation over in one step: the running countdowns and typed forms stay as they are."""
        self.controller.sign_out()

    def _show_trouble(self, text: str) -> None:
        if self._gone_shown:
            return  # what a refused entry says is in the notice already, with where the rescue copy is
        saved = "Could not save or read just now. Everything already saved is safe."
        self._say_trouble(f"{TECHNICAL_WORDS}{saved}\n{text}")

    def _say_trouble(self, words: str) -> None:
        self.trouble_text.setText(words)
        self.trouble.show()
        self.lock_screen.trouble_note.setText(words)  # seen behind the lock too, until it is over
        self.lock_screen.trouble_note.show()

    def show_on_screen(self) -> None:
        show_fitted(self)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """A narrower window gives the chair's pages the room and keeps the chair list to its names."""
        super().resizeEvent(event)
        narrowest, widest = CHAIR_LIST_WIDTH
        chairs = max(narrowest, min(widest, self.width() // 5))
        self.chair_page.setSizes([chairs, max(1, self.width() - chairs)])

    def shutdown(self) -> None:
        self.tick.stop()
        self._settling.stop()
        self.controller.finish_backups()
        QApplication.instance().removeEventFilter(self.idle)
        if self._noting_fields:  # shutdown runs again on close: a second disconnect is an error
            QApplication.instance().focusChanged.disconnect(self._note_the_field)
            self._noting_fields = False
        self.scans.stop()
        self.controller.prints.stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.shutdown()
        super().closeEvent(event)
