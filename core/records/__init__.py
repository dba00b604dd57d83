"""The records as core reads and writes them, inside a unit of work's transaction (``core.unit_of_work``).

With ``core.persistence`` below it, the only code that knows the tables: everything else in core works
with plain values (``core.record_values``, ``core.views``, ``core.people``, ``core.events``) that these
functions convert to and from rows. Split by what the records are about; called as ``records.name(tx, …)``.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from core.records.clinic import (
    add_setting_change,
    announce,
    keep_protocol,
    kept_protocol_hashes,
    protocol_kept,
    protocol_text,
    setting_changes,
)
from core.records.exports import patients_with_care_between
from core.records.patients import (
    add_course,
    add_details,
    add_patient,
    course,
    courses_of,
    details,
    find_patients,
    latest_course,
    patient,
    patient_by_mrn,
    patient_view,
    patient_views,
    patients_born_on,
    patients_by_id,
)
from core.records.people import (
    account,
    add_staff,
    administrators,
    everyone,
    save_staff,
    staff_by_ids,
    staff_by_username,
    staff_named,
    staff_names,
    staff_names_of,
    staff_record,
    standing,
    standing_and_head,
    username_taken,
)
from core.records.point_counts import point_counts_recounted
from core.records.quality_facts import quality_facts_recounted
from core.records.schedule_points import (
    kept_points,
    protocol_texts,
    schedule_point_rows,
    schedule_point_tally,
    schedule_points_between,
    sessions_with_points,
    signed_sessions,
)
from core.records.sessions import (
    active_for_patient,
    active_on_chair,
    active_sessions,
    add_summary,
    event_exists,
    event_types_by_id,
    insert_entry,
    insert_event,
    last_weight_elsewhere,
    load_events,
    load_events_of,
    save_summary,
    sessions_by_id,
    sessions_of,
    sessions_opened_between,
    starts_out_of_step,
    summary,
    to_event,
)
from core.records.set_days import set_days_recounted
from core.records.streams import (
    all_patient_events,
    insert_patient_event,
    next_patient_seq,
    patient_events,
    sitting_scores,
    stored_sitting_scores,
    to_patient_event,
)
from core.records.trail import audit_head, insert_audit_lines
from core.records.vital_sets import set_reader, set_values, vital_set_row

# Read by the outcome and quality reports and the follow-ups list, or written by the history generator and
# importer (``bulk``), none of which a start needs: each module is loaded with the first use of one of its
# names (``records.name`` as ever), so a start does not load them nor what they bring (``core.outcomes``'
# cohort, ``core.quality``'s rows), ~7 ms of every start.
LATER = {
    "EVENT_COLUMNS": "bulk",
    "HISTORY_TABLES": "bulk",
    "VITAL_COLUMNS": "bulk",
    "insert_history": "bulk",
    "stored_json": "bulk",
    "contact_routes": "follow_ups",
    "course_moments_since": "follow_ups",
    "patients_named": "follow_ups",
    "recent_courses": "follow_ups",
    "sitting_counts": "follow_ups",
    "sittings_between": "follow_ups",
    "treated_sessions_of": "follow_ups",
    "outcome_cohort": "outcomes",
    "patients_of_courses": "outcomes",
    "patients_opened_between": "outcomes",
    "alarm_rows": "quality",
    "audit_lines_between": "quality_entries",
    "entries_counted": "quality_entries",
    "answers_of_sessions": "quality_entries",
    "alert_answers_of_sessions": "quality_entries",
    "late_entries": "quality_entries",
    "notable_entries": "quality_entries",
    "protocol_versions": "quality_entries",
    "second_pump_readings": "quality_entries",
    "sessions_in_scope": "quality_entries",
    "sessions_opened": "quality_entries",
    "course_facts_out_of_step": "course_facts",
    "kept_course_facts": "course_facts",
    "recount_course_facts": "course_facts",
    "refresh_course_facts": "course_facts",
    "write_all_course_facts": "course_facts",
    "keep_course_outcomes": "kept_outcomes",
    "kept_course_outcomes": "kept_outcomes",
    "move_outcome_basis": "outcome_basis",
    "outcome_bases": "kept_outcomes",
    "outcomes_settled_at": "kept_outcomes",
}
"""The names of core.records whose module is loaded when one of them is first used, and that module."""
if TYPE_CHECKING:
    from core.records.bulk import EVENT_COLUMNS, HISTORY_TABLES, VITAL_COLUMNS, insert_history, stored_json
    from core.records.course_facts import (
        course_facts_out_of_step,
        kept_course_facts,
        recount_course_facts,
        refresh_course_facts,
        write_all_course_facts,
    )
    from core.records.follow_ups import (
        contact_routes,
        course_moments_since,
        patients_named,
        recent_courses,
        sitting_counts,
        sittings_between,
        treated_sessions_of,
    )
    from core.records.kept_outcomes import (
        keep_course_outcomes,
        kept_course_outcomes,
        outcome_bases,
        outcomes_settled_at,
    )
    from core.records.outcome_basis import move_outcome_basis
    from core.records.outcomes import outcome_cohort, patients_of_courses, patients_opened_between
    from core.records.quality import alarm_rows
    from core.records.quality_entries import (
        alert_answers_of_sessions,
        answers_of_sessions,
        audit_lines_between,
        entries_counted,
        late_entries,
        notable_entries,
        protocol_versions,
        second_pump_readings,
        sessions_in_scope,
        sessions_opened,
    )


def __getattr__(name: str) -> object:
    """A name of ``LATER``, its module loaded now (then kept here, so this runs once a name); or a module of
    ``LATER`` itself (``records.quality_entries``)."""
    if name in LATER.values():
        return import_module(f"{__name__}.{name}")
    if name not in LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{LATER[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "EVENT_COLUMNS",
    "HISTORY_TABLES",
    "VITAL_COLUMNS",
    "account",
    "active_for_patient",
    "active_on_chair",
    "active_sessions",
    "add_course",
    "add_details",
    "add_patient",
    "add_setting_change",
    "add_staff",
    "add_summary",
    "administrators",
    "alarm_rows",
    "alert_answers_of_sessions",
    "all_patient_events",
    "announce",
    "answers_of_sessions",
    "audit_head",
    "audit_lines_between",
    "contact_routes",
    "course",
    "course_facts_out_of_step",
    "course_moments_since",
    "courses_of",
    "details",
    "entries_counted",
    "event_exists",
    "event_types_by_id",
    "everyone",
    "find_patients",
    "insert_audit_lines",
    "insert_entry",
    "insert_event",
    "insert_history",
    "insert_patient_event",
    "keep_course_outcomes",
    "keep_protocol",
    "kept_course_facts",
    "kept_course_outcomes",
    "kept_points",
    "kept_protocol_hashes",
    "last_weight_elsewhere",
    "late_entries",
    "latest_course",
    "load_events",
    "load_events_of",
    "move_outcome_basis",
    "next_patient_seq",
    "notable_entries",
    "outcome_bases",
    "outcome_cohort",
    "outcomes_settled_at",
    "patient",
    "patient_by_mrn",
    "patient_events",
    "patient_view",
    "patient_views",
    "patients_born_on",
    "patients_by_id",
    "patients_named",
    "patients_of_courses",
    "patients_opened_between",
    "patients_with_care_between",
    "point_counts_recounted",
    "protocol_kept",
    "protocol_text",
    "protocol_texts",
    "protocol_versions",
    "quality_facts_recounted",
    "recent_courses",
    "recount_course_facts",
    "refresh_course_facts",
    "save_staff",
    "save_summary",
    "schedule_point_rows",
    "schedule_point_tally",
    "schedule_points_between",
    "second_pump_readings",
    "sessions_by_id",
    "sessions_in_scope",
    "sessions_of",
    "sessions_opened",
    "sessions_opened_between",
    "sessions_with_points",
    "set_days_recounted",
    "set_reader",
    "set_values",
    "setting_changes",
    "signed_sessions",
    "sitting_counts",
    "sitting_scores",
    "sittings_between",
    "staff_by_ids",
    "staff_by_username",
    "staff_named",
    "staff_names",
    "staff_names_of",
    "staff_record",
    "standing",
    "standing_and_head",
    "starts_out_of_step",
    "stored_json",
    "stored_sitting_scores",
    "summary",
    "to_event",
    "to_patient_event",
    "treated_sessions_of",
    "username_taken",
    "vital_set_row",
    "write_all_course_facts",
]
