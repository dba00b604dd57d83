"""What a nurse can do, one function per action: validate, append, commit, return the new state.

Every action runs in one transaction; the state it returns was computed from the committed log, so
a screen that shows it is showing what is saved. Nothing here decides how things look.

Split by what a nurse does: the patient (``patients``), the course order (``courses``), its days not
given (``course_days``), its outcome forms (``outcome_forms``) and a clinic's file of them
(``outcome_import``), the course record read back whole (``course_record``), the clinic's outcome report
(``outcome_report``), the follow-ups due (``follow_ups``), preparing the infusion (``preparing``), the
infusion running (``infusing``), ending the session (``ending``) and reading care back (``reviews``), all on
the ground of ``base``: one entry checked, built and committed through the unit of work.
"""

from __future__ import annotations

from core.care.course_record import CourseRecords
from core.care.ending import Ending
from core.care.follow_ups import FollowUps
from core.care.infusing import Infusing
from core.care.outcome_import import OutcomeImport
from core.care.outcome_report import OutcomeReports
from core.care.preparing import Preparing
from core.care.quality_report import QualityReports
from core.care.reviews import Reviews


class Care(
    Preparing, Infusing, Ending, Reviews, CourseRecords, OutcomeImport, OutcomeReports, FollowUps, QualityReports
):
    """Everything a nurse does, bound to one database, protocol, clock and workstation: the parts above,
    composed so a screen holds one object."""
