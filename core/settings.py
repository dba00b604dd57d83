"""Two kinds of settings, two homes.

Clinic-wide settings (clinic name, chairs, page size, locking and password rules) live in the database as a history:
each change is a new row saying who changed it, when and why. This workstation's own settings (its
name, which chairs it shows, which database it uses) live in a small file in the config folder.
"""

from __future__ import annotations

import json
import socket
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core import records
from core.audit import AuditAction
from core.errors import ChairsideError, InputError
from core.paths import config_dir, expanded
from core.persistence.db import Database
from core.plain_text import REASON_MAX, plain_text
from core.private_files import write_whole
from core.record_values import SettingChange
from core.unit_of_work import UnitOfWork


class ClinicSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    clinic_name: Annotated[str, Field(min_length=1, max_length=120)] = "Pain Management Infusion Clinic"
    chairs: Annotated[int, Field(ge=1, le=40)] = 4
    page_size: Literal["A4", "Letter"] = "A4"
    lock_minutes: Annotated[int, Field(ge=1, le=60)] = 10
    """Idle minutes before the screen locks itself."""
    max_failed_sign_ins: Annotated[int, Field(ge=3, le=20)] = 5
    """Wrong passwords (or PINs) in a row before the account is locked out."""
    account_lockout_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    password_min_length: Annotated[int, Field(ge=8, le=64)] = 10
    pin_unlock: bool = False
    """Whether a nurse may unlock her own locked screen with a short PIN instead of her password."""
    offline_sign_in_hours: Annotated[int, Field(ge=1, le=72)] = 12
    """While the clinic's database cannot be reached, staff who signed in on a workstation within these hours
    may sign in on it again (from the hashes it keeps, with the same lock-out rules)."""
    alarm_silence_minutes: Annotated[int, Field(ge=1, le=10)] = 2
    """How long a nurse may silence the alarm sound; the colours stay and the sound comes back."""
    waste_witness_required: bool = True
    """Controlled-substance waste needs a second person who signs in to witness it (jurisdiction policy)."""
    clinic_phone: Annotated[str, Field(max_length=40, pattern=r"^[0-9A-Za-z +()./-]*$")] = ""
    """The number the patient and escort call (printed on the going-home sheet); empty leaves a line to write it."""
    anchor_folder: Annotated[str, Field(max_length=400)] = ""
    """Where the audit trail's head is noted each day, outside the database (a second disk or a share):
    empty keeps the notes in Chairside's data folder, on the same disk as the database."""
    backup_folder: Annotated[str, Field(max_length=400)] = ""
    """Where the backups taken while the app runs go (a second disk or a share): empty keeps them in
    Chairside's data folder, on the same disk as the database."""
    backup_every_hours: Annotated[int, Field(ge=1, le=24)] = 4
    """A backup this often while the app runs, and one when the last nurse signs out."""
    backup_keep_last: Annotated[int, Field(ge=1, le=500)] = 12
    backup_keep_days: Annotated[int, Field(ge=0, le=3650)] = 30
    """Past the newest ``backup_keep_last``, one backup a day is kept for this many days."""
    late_entry_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    """An entry saved this long or longer after the moment it records is a late entry in the day log. A
    rule of record keeping, not a clinical number, so it is the clinic's to set rather than the protocol's."""
    quality_outliers_as: Literal["names", "record_numbers"] = "names"
    """How the quality report's lists of outliers name a charge nurse's patients: by name and record number, or
    by record number alone (a report taken to a meeting). An administrator's names no patient either way."""
    promis_wording_file: Annotated[str, Field(max_length=400)] = ""
    """The clinic's own file of the PROMIS items' wording (``core.outcomes.wording``), for a clinic that holds
    the copyright holder's permission: Chairside never ships the wording. Empty: the forms show item ids."""
    fhir_base_url: Annotated[str, Field(max_length=200, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")] = (
        "https://chairside.invalid/fhir"
    )
    """The clinic's FHIR address: its record-number, staff and session identifier systems, its own code system and
    its PROMIS Questionnaires are named under it, and a FHIR export's entries are placed at it. The default, on
    the reserved ``.invalid`` domain, says the clinic has not named its own yet."""

    @field_validator("anchor_folder", "backup_folder", "promis_wording_file")
    @classmethod
    def _a_place_this_computer_knows(cls, chosen: str) -> str:
        """A path beginning "~name" means that user's home folder: one this computer does not know cannot be
        found when the folder is used, so it is refused when it is set."""
        try:
            expanded(chosen)
        except InputError as unknown:
            raise ValueError(f"{unknown.message} {unknown.advice}") from None
        return chosen


def clinic_settings(database: Database) -> ClinicSettings:
    """The settings in force: the newest value recorded for each key, defaults for the rest."""
    history = settings_history(database)
    values = {change.key: change.value for change in history if change.key in ClinicSettings.model_fields}
    return ClinicSettings.model_validate(values)


def settings_history(database: Database) -> list[SettingChange]:
    with database.session() as tx:
        return records.setting_changes(tx)


def change_clinic_setting(
    database: Database, key: str, value: Any, by: str | None, reason: str, at: datetime, *, workstation: str
) -> ClinicSettings:
    """Record a new value with who, when and why; the change is also a line in the audit trail."""
    if key not in ClinicSettings.model_fields:
        raise InputError(
            "key", f"“{key}” is not a clinic setting.", f"Use one of {sorted(ClinicSettings.model_fields)}."
        )
    if isinstance(value, str):  # the clinic's name is on every screen and printout: the one text rule
        value = plain_text(value, key, f"the {key.replace('_', ' ')}", REASON_MAX)
    reason = plain_text(reason, "reason", "why the setting changes", REASON_MAX)
    current = clinic_settings(database)
    try:
        updated = ClinicSettings.model_validate({**current.model_dump(), key: value})
    except ValidationError as exc:
        raise InputError(key, f"{key}: {_said(exc)}") from exc
    new = getattr(updated, key)
    with UnitOfWork(database, lambda: at, workstation).writing(by) as work:
        records.add_setting_change(work.tx, SettingChange(key, new, by, at, reason))
        work.audit(AuditAction.SETTING_CHANGED, detail={"key": key, "value": str(new), "reason": reason})
    return updated


def _said(refused: ValidationError) -> str:
    """The first refusal in words: a rule of this module's own (a ``ValueError`` its validator raised) as it
    said it, without pydantic's "Value error," before it; any other as pydantic words it."""
    first = refused.errors()[0]
    error = first.get("ctx", {}).get("error")
    said = str(error) if first["type"] == "value_error" and error is not None else first["msg"]
    return said.rstrip(".") + "."


class WindowPlace(BaseModel):
    """Where a window was left on the screen and how large, in the screen's pixels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    x: int
    y: int
    width: Annotated[int, Field(ge=1)]
    height: Annotated[int, Field(ge=1)]


class WorkstationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=80)] = Field(default_factory=socket.gethostname)
    chairs_shown: list[int] | None = None
    database_url: str | None = None
    windows: dict[str, WindowPlace] = Field(default_factory=dict)
    """Where each resizable window (the day log, the audit trail) was last left: a workstation's screen is
    its own, so this is kept here rather than for the clinic."""
    export_folder: str | None = None
    """Where "Save as PDF" starts (a shared folder, a USB stick's mount): the user's documents folder when
    unset."""


def workstation_file() -> Path:
    return config_dir() / "workstation.json"


CLINIC_KEPT = "clinic settings"
"""The clinic's settings as last read, kept in a workstation's journal for a start while the server is away."""


def journal_file() -> Path:
    """Where this workstation keeps care recorded while the clinic's database is away (``core.care.here``)."""
    return config_dir() / "journal.sqlite"


def load_workstation() -> WorkstationSettings:
    path = workstation_file()
    if not path.exists():
        return WorkstationSettings()
    try:
        return WorkstationSettings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ChairsideError(
            f"This workstation's settings file {path} cannot be read ({exc}).",
            "Correct it, or move it aside to start with default workstation settings. No patient records "
            "are kept in it.",
        ) from exc


def save_workstation(settings: WorkstationSettings) -> None:
    """Write the file whole, readable and writable by this workstation's account only (0600): it names the
    database, which may carry a password in its address."""
    path = workstation_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_whole(path, settings.model_dump_json(indent=2).encode())


def remember_window(name: str, place: WindowPlace) -> WorkstationSettings:
    """Keep where a window was left, writing into the file as it is now, so that a setting changed from the
    command line while the app runs is not undone; the settings as saved."""
    settings = load_workstation()
    settings.windows[name] = place
    save_workstation(settings)
    return settings
