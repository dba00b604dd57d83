"""Electronic signatures on the session record: who, when, what it means, and a hash of what was signed.

A signature lives in the payload of the event it signs (a discharge, a second-nurse check, a waste, an
addendum) or, for the session itself, of the ``session.signed`` event, whose hash covers every entry
before it. Recomputing the hashes on reading shows whether anything signed was altered afterwards.
The signer re-enters a password first; that check is done by ``core.people`` before anything here runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from core.event_data import Checked, SessionSigned, Signed
from core.events import Event
from core.events import EventType as E
from core.hashing import sha256_json, utc_moment
from core.machine import Outcome

if TYPE_CHECKING:  # the session's state is worked out from signatures too
    from core.session_state import SessionState


class Meaning(StrEnum):
    ADMINISTERED = "administered"
    VERIFIED = "verified"
    WASTED = "wasted"
    WITNESSED_WASTE = "witnessed waste"
    AMENDED = "amended"
    NOT_TREATED_REVIEWED = "not treated — reviewed"
    DID_NOT_AGREE = "did not agree"
    """A second-nurse check whose figures differ from the first nurse's: signed as hers, never as verified."""


def signing_meaning(state: SessionState) -> Meaning:
    """What the nurse's signature on the whole session means: a session in which no drug was given (screening
    stopped it, or it ended before the infusion) is signed as reviewed, never as administered."""
    return Meaning.NOT_TREATED_REVIEWED if state.outcome is Outcome.NOT_TREATED else Meaning.ADMINISTERED


SUBJECTS = {
    E.SIGNED: "the session",
    E.DISCHARGED: "the discharge",
    E.CHECKED: "the second-nurse check",
    E.WASTED: "the controlled-substance waste",
    E.ADDENDUM: "an addendum",
    E.PUMP_PROGRAMMED: "the pump reading",
}
"""What a signature on each kind of event is a signature of."""


@dataclass(frozen=True)
class Signature:
    event_id: str
    signer_id: str
    signed_at: datetime
    meaning: Meaning
    subject: str
    signed_hash: str


def canonical(event: Event, *, include_signatures: bool = True) -> dict[str, Any]:
    payload = dict(event.payload)
    if not include_signatures:
        payload.pop("signatures", None)
    return _facts(event, payload)


def _facts(event: Event, payload: object) -> dict[str, Any]:
    return {
        "id": event.id,
        "session_id": event.session_id,
        "seq": event.seq,
        "type": event.type.value,
        "occurred_at": utc_moment(event.occurred_at),
        "recorded_at": utc_moment(event.recorded_at),
        "recorded_by": event.recorded_by,
        "workstation": event.workstation,
        "payload": payload,
        "corrects": event.corrects,
        "reason": event.reason,
    }


def canonical_text(event: Event, payload_text: str) -> str:
    """``canonical_json(canonical(event))`` for an entry whose payload's canonical text is known already
    (a made-up history copies each template entry's text): the payload is not encoded again, and the
    fields around it are written out in the canonical order (keys sorted) rather than built as a dict and
    sorted for each of a history's millions of entries. A test holds it to ``canonical``'s text."""
    occurred = utc_moment(event.occurred_at)
    recorded = occurred if event.recorded_at == event.occurred_at else utc_moment(event.recorded_at)
    seq = event.seq
    if type(seq) is not int:  # only an int is written as its digits
        raise TypeError(f"an entry's seq is a whole number, not {type(seq).__name__}")
    return (
        f'{{"corrects":{_text(event.corrects)},"id":{_text(event.id)},"occurred_at":"{occurred}",'
        f'"payload":{payload_text},"reason":{_text(event.reason)},"recorded_at":"{recorded}",'
        f'"recorded_by":{_text(event.recorded_by)},"seq":{seq},"session_id":{_text(event.session_id)},'
        f'"type":{_text(event.type.value)},"workstation":{_text(event.workstation)}}}'
    )


def _text(value: str | None) -> str:
    """A text field as ``canonical_json`` writes it (``None`` is ``null``)."""
    return "null" if value is None else encode_basestring(value)


def digest(items: Sequence[dict[str, Any]]) -> str:
    return sha256_json(list(items))


def signed_content(event: Event, earlier: Sequence[Event]) -> str:
    """The hash a signature on ``event`` covers: the whole log before it for the session, with the patient's
    identifiers as they were at signing (kept in the signing entry; sessions signed before they were kept
    cover the log alone), else the entry."""
    if isinstance(signed := event.data, SessionSigned):
        patient = [{"patient": signed.patient.to_payload()}] if signed.patient is not None else []
        return digest([canonical(e) for e in earlier] + patient)
    return digest([canonical(event, include_signatures=False)])


def identifiers(mrn: str, family_name: str, given_name: str, birth_date: str) -> dict[str, str]:
    """The patient as a signature covers them: the identifiers a wristband check and a printout use."""
    return {"mrn": mrn, "family_name": family_name, "given_name": given_name, "birth_date": birth_date}


def signature_entry(signer_id: str, meaning: Meaning, at: datetime, signed_hash: str) -> dict[str, str]:
    return {"signer_id": signer_id, "meaning": meaning.value, "signed_at": utc_moment(at), "signed_hash": signed_hash}


def check_disagreed(event: Event) -> bool:
    """A second-nurse check whose figures did not agree with the first nurse's."""
    return event.type is E.CHECKED and bool(event.data_as(Checked).mismatches)


def _meaning(event: Event, stored: str) -> Meaning:
    """The signature's meaning as stored, except that a check that did not agree never reads as verified
    (entries recorded before that meaning existed were stored as "verified")."""
    return Meaning.DID_NOT_AGREE if check_disagreed(event) else Meaning(stored)


def signatures_in(event: Event) -> list[Signature]:
    """The signatures on an entry of a kind that is signed (no other kind is read for them)."""
    data = event.data if event.type in SUBJECTS else None
    return [
        Signature(
            event_id=event.id,
            signer_id=entry.signer_id,
            signed_at=entry.at,
            meaning=_meaning(event, entry.meaning),
            subject=SUBJECTS.get(event.type, "an entry"),
            signed_hash=entry.signed_hash,
        )
        for entry in (data.signatures if isinstance(data, Signed) else ())
    ]


def signatures_of(events: Iterable[Event]) -> tuple[Signature, ...]:
    return tuple(signature for event in events for signature in signatures_in(event))


def altered_since_signed(events: Sequence[Event]) -> tuple[Signature, ...]:
    """Signatures whose hash no longer matches what they cover: the record was changed after signing."""
    broken: list[Signature] = []
    for index, event in enumerate(events):
        found = signatures_in(event)
        if found:
            current = signed_content(event, events[:index])
            broken.extend(s for s in found if s.signed_hash != current)
    return tuple(broken)
