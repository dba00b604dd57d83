"""The screen shown while nobody is signed in or the workstation is locked.

It keeps every chair's countdown, vitals due and alarms in view, with patients as initials only, so a
nurse across the room still sees which chair needs her. The work behind it stays exactly as it was:
the pages are hidden, not rebuilt, so anything half-typed is still there after unlocking.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

from core.board import Tile
from core.people import Account
from core.views import ChairView
from ui.board import TileGrid
from ui.controller import Controller
from ui.style import mark
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, caption_for, card, label, line_edit, password_field, set_tone


class LockScreen(QWidget):
    """Signing in or unlocking goes through the controller, whose ``user_changed`` shows the work again."""

    def __init__(self, controller: Controller, chairs: list[int], parent: QWidget | None = None) -> None:
        """``parent``: where the lock screen will be shown, so it is built in its place (see ``MainWindow``)."""
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        heading = QHBoxLayout()
        self.heading = label(role="title", name="Lock screen heading")
        heading.addWidget(self.heading, 1)
        self.wall_clock = label(role="wall-clock", name="Time now on the lock screen", wrap=False)
        heading.addWidget(self.wall_clock)  # the main window sets it with its own, each tick
        layout.addLayout(heading)
        self.sound_note = label(name="Lock screen sound unavailable")
        set_tone(self.sound_note, "advise")
        self.sound_note.hide()
        layout.addWidget(self.sound_note)
        self.silenced_note = label(name="Lock screen alarm silenced")
        set_tone(self.silenced_note, "advise")
        self.silenced_note.hide()
        layout.addWidget(self.silenced_note)
        self.clock_note = label(name="Lock screen clock jumped")  # read-only: the banner's Dismiss is behind sign-in
        self.trouble_note = label(name="Lock screen trouble")  # the database could not be read or written
        self.away_note = label(name="Lock screen database away")  # entries saved on this workstation meanwhile
        for note in (self.clock_note, self.trouble_note, self.away_note):  # technical, apart from the patients'
            set_tone(note, "act")
            mark(note, "kind", "technical")
            note.hide()
            layout.addWidget(note)

        self.grid = TileGrid(chairs, private=True, parent=self)
        layout.addWidget(self.grid)
        layout.addStretch(1)

        self.form = card()
        self.form.setMaximumWidth(560)
        form = QVBoxLayout(self.form)
        self.prompt = label(name="Sign-in prompt")
        form.addWidget(self.prompt)
        self.username = line_edit("User name", "Your user name")
        self.username_caption = caption_for("User name", self.username)
        self.password = password_field("Password or PIN", "Your password")
        self.password_caption = caption_for("Password", self.password)
        self.feedback = Feedback("Sign-in message")
        for field in ("username",):
            self.feedback.bind(field, self.username)
        for field in ("password", "secret", "pin"):
            self.feedback.bind(field, self.password)
        for widget in (self.username_caption, self.username, self.password_caption, self.password, self.feedback):
            form.addWidget(widget)
        row = QHBoxLayout()
        self.go = button("Sign in", "Sign in", role="primary")
        self.someone_else = button("Sign in as someone else")
        row.addWidget(self.someone_else)
        row.addStretch(1)
        row.addWidget(self.go)
        form.addLayout(row)
        self.first_admin = button("Set up the first administrator…", role="primary")
        self.first_admin.clicked.connect(self._first_administrator)
        form.addWidget(self.first_admin)
        self.go.clicked.connect(self._go)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._go)
        self.someone_else.clicked.connect(self._someone_else)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(self.form, 2)
        centred.addStretch(1)
        layout.addLayout(centred)
        layout.addStretch(2)
        self._asking_owner = False

    # ---- what it shows --------------------------------------------------------------------------

    def show_chairs(self, tiles: dict[int, Tile], views: dict[int, ChairView]) -> None:
        self.grid.show_chairs(tiles, views)

    def prepare(self) -> None:
        """Set the form for who can come in: the locked screen's owner, or anyone when nobody is signed in."""
        owner: Account | None = self.controller.user if self.controller.locked else None
        self._asking_owner = owner is not None
        setting_up = owner is None and bool(
            self.controller.run(None, self.controller.accounts.needs_first_administrator, writes=False)
        )
        self.feedback.clear()
        self.password.clear()
        self.username.clear()
        self.someone_else.setVisible(self._asking_owner)
        self.first_admin.setVisible(setting_up)
        for widget in (self.password_caption, self.password, self.go):
            widget.setVisible(not setting_up)
        self.username.setVisible(not self._asking_owner and not setting_up)
        self.username_caption.setVisible(not self._asking_owner and not setting_up)
        if setting_up:
            self.heading.setText("Welcome to Chairside")
            self.prompt.setText(
                "This database has no accounts yet, and Chairside has no default account or password. "
                "Whoever sets up the clinic creates the first administrator, who then adds the nurses."
            )
            self.first_admin.setFocus(Qt.FocusReason.OtherFocusReason)
        elif owner is not None:
            from ui.dialogs.password import PinDialog  # the account dialogs: not loaded by every start

            pin = owner.has_pin and PinDialog.offered(self.controller)
            self.heading.setText("Chairside is locked")
            self.prompt.setText(f"Locked by {owner.name}. Enter your {'password or PIN' if pin else 'password'}.")
            self.password_caption.setText("Password or PIN" if pin else "Password")
            self.go.setText("Unlock")
            self.go.setAccessibleName("Unlock")
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.heading.setText("Sign in to Chairside")
            self.prompt.setText("Sign in with your own user name and password. Every entry is recorded in your name.")
            self.password_caption.setText("Password")
            self.go.setText("Sign in")
            self.go.setAccessibleName("Sign in")
            self.username.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- acting ---------------------------------------------------------------------------------

    def _go(self) -> None:
        secret = self.password.text()
        self.password.clear()
        if self._asking_owner:
            self.controller.unlock(self.feedback, secret)
        else:
            self.controller.sign_in(self.feedback, self.username.text(), secret)

    def _first_administrator(self) -> None:
        from ui.dialogs.first_admin import FirstAdministratorDialog

        created = FirstAdministratorDialog.ask(self.controller, self)
        if created is None:  # the person chose to quit: there is nothing to do without an administrator
            QApplication.quit()
            return
        if self.controller.nurse_id is not None:
            return  # signed in with the new account: the window shows the administrator's screen
        self.prepare()
        if created is not None and created.username:
            self.username.setText(created.username)
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _someone_else(self) -> None:
        """A colleague takes over the workstation: the locked user is signed out, nothing is lost."""
        self.controller.sign_out()
        self.prepare()
