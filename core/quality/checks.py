"""Second-nurse dose checks and pump readings that did not agree, by the figure they disagreed on.

A second-nurse check (``check.recorded``) names the figures the checker's own calculation disagreed on
(``core.dosing.check_mismatches``); a pump reading (``pump.programmed``) names the settings read off the pump
that did not match the order, the nurse's and the second nurse's apart. Each disagreement was caught before
the drug went in: the figures count where it was caught, never a dose given wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

from core import event_data as d
from core.event_words import CHECK_FIGURE_WORDS
from core.events import Event, EventType
from core.figures import Figure, proportion, rate
from core.pump_check import PumpCheck

SECTION = "Second-nurse checks and pump readings"
PUMP_FIELD_WORDS = {"rate_ml_per_h": "pump rate", "vtbi_ml": "volume to be infused"}


def checks(
    checks_recorded: int,
    pump_readings: int,
    second_readings: int,
    sessions: int,
    entries: Sequence[Event],
) -> tuple[Figure, ...]:
    """From the period's counts and the entries among them that disagreed (or a pump found stopped): the
    proportion of checks and readings that did not agree, overall and by figure."""
    failed = [e.data_as(d.Checked) for e in entries if e.type is EventType.CHECKED]
    failed = [c for c in failed if c.mismatches]
    pumps = [PumpCheck.of(e) for e in entries if e.type is EventType.PUMP_PROGRAMMED]
    stopped = [e for e in entries if e.type is EventType.PUMP_CONFIRMED and not e.data_as(d.PumpConfirmed).running]
    figures = [
        proportion(
            "check_mismatch",
            SECTION,
            "Second-nurse dose checks that did not agree",
            len(failed),
            checks_recorded,
            "Checks recorded in the period whose checker disagreed on at least one figure ÷ checks recorded.",
        )
    ]
    for key, words in CHECK_FIGURE_WORDS.items():
        figures.append(
            proportion(
                f"check_mismatch_{key}",
                SECTION,
                f"Checks that disagreed on the {words}",
                sum(key in c.mismatches for c in failed),
                checks_recorded,
                f"Checks recorded in the period whose checker's {words} differed from the calculation "
                "(at the protocol's rounding) ÷ checks recorded.",
            )
        )
    figures.append(
        proportion(
            "pump_mismatch",
            SECTION,
            "Pump readings that did not match the order (nurse's reading)",
            sum(bool(p.mismatches) for p in pumps),
            pump_readings,
            "Pump readings recorded in the period in which the nurse read a setting off the pump that did not "
            "match the order ÷ pump readings recorded.",
        )
    )
    for key, words in PUMP_FIELD_WORDS.items():
        figures.append(
            proportion(
                f"pump_mismatch_{key}",
                SECTION,
                f"Pump readings with the {words} not as ordered (nurse's reading)",
                sum(key in p.mismatches for p in pumps),
                pump_readings,
                f"Pump readings recorded in the period whose {words}, as the nurse read it, did not match the "
                "order ÷ pump readings recorded.",
            )
        )
    figures.append(
        proportion(
            "pump_second_mismatch",
            SECTION,
            "Second nurse's pump readings that did not match the order",
            sum(bool(p.second_mismatches) for p in pumps),
            second_readings,
            "Pump readings recorded in the period with a second nurse's reading that did not match the order ÷ "
            "pump readings with a second nurse's reading.",
        )
    )
    figures.append(
        rate(
            "pump_found_stopped",
            SECTION,
            "Pump found stopped at the check after a restart",
            len(stopped),
            sessions,
            "Checks of the pump after Chairside restarted, recorded in the period, that found it stopped ÷ "
            "sessions opened in the period, × 100.",
        )
    )
    return tuple(figures)
