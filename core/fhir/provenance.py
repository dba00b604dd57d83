"""Provenance: each signature (who, when, what it means, the hash of what was signed), and each correction
(who corrected which exported resources, when, and why).

A signature's hash is the SHA-256 of the canonical JSON of what it covers (``core.signatures``), written as
``signature.data`` (its bytes, base64) with the meaning as the signature's type in the clinic's own codes.
A de-identified export keeps the meaning and the signer's pseudonym and leaves the hash out: the hash would
lead back to the record it came from.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from core.fhir import codes
from core.fhir.context import Context, Json, present
from core.signatures import Signature


def signature_provenance(context: Context, signature: Signature, targets: Sequence[Json], recorded_at: str) -> Json:
    meaning = signature.meaning.value
    signed: Json = {
        "type": [context.local_coding(f"signature-{meaning.replace(' ', '-').replace('—', '')}", meaning)],
        "when": context.moment(signature.signed_at),
        "who": context.ref("Practitioner", signature.signer_id),
    }
    if not context.deidentify:
        signed["targetFormat"] = "application/json"
        signed["data"] = base64.b64encode(bytes.fromhex(signature.signed_hash)).decode("ascii")
    return present(
        [
            ("resourceType", "Provenance"),
            ("id", context.id("Provenance", f"{signature.event_id}/{signature.signer_id}/{meaning}")),
            ("target", list(targets)),
            ("recorded", recorded_at),
            ("activity", {"text": f"signed {signature.subject}: {meaning}"}),
            ("agent", [{"who": context.ref("Practitioner", signature.signer_id)}]),
            ("signature", [signed]),
        ]
    )


def correction_provenance(
    context: Context, correction_id: str, by: str, at: str, targets: Sequence[Json], words: str | None
) -> Json:
    return present(
        [
            ("resourceType", "Provenance"),
            ("id", context.id("Provenance", correction_id)),
            ("target", list(targets)),
            ("recorded", at),
            ("activity", context.concept("amended", codes.AMENDED)),
            ("reason", [{"text": words}] if words else None),
            ("agent", [{"who": context.ref("Practitioner", by)}]),
        ]
    )
