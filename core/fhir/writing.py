"""Resources written as they come: a Bundle (``collection``, or ``transaction`` for posting to a server) and/or
NDJSON, one file per resource type as the Bulk Data format has it. Nothing is held beyond the resource being
written, so an export of years streams through.

Every resource is validated by its R4B model first (``core.fhir.validate``). In the Bundle, each entry's
``fullUrl`` is the clinic's FHIR base plus ``Type/id``, against which the resources' relative references
resolve; a transaction entry is a PUT to ``Type/id``, so posting the same export twice changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from fhir.resources.R4B.bundle import Bundle

from core.fhir.context import Json
from core.fhir.validate import to_json
from core.private_files import WholeFiles


class ResourceWriter:
    """Writes each resource to the Bundle file and/or the NDJSON folder, counting them by type."""

    def __init__(
        self,
        files: WholeFiles,
        base: str,
        *,
        bundle: Path | None,
        ndjson: Path | None,
        transaction: bool,
        meta: Json,
        bundle_id: str,
        timestamp: datetime,
    ) -> None:
        self.files = files
        self.base = base.rstrip("/")
        self.transaction = transaction
        self.ndjson = ndjson
        self.counts: Counter[str] = Counter()
        self._per_type: dict[str, BinaryIO] = {}
        self._bundle: BinaryIO | None = None
        self._bundle_path = bundle
        if bundle is not None:
            self._bundle = files.open(bundle)
            self._bundle.write(_bundle_head(bundle_id, transaction, meta, timestamp).encode("utf-8"))

    def write(self, resource: Json) -> None:
        text = to_json(resource)
        kind = resource["resourceType"]
        if self._bundle is not None:
            place = f"{kind}/{resource['id']}"
            entry = f'{{"fullUrl":{json.dumps(f"{self.base}/{place}")},"resource":{text}'
            if self.transaction:
                entry += f',"request":{{"method":"PUT","url":{json.dumps(place)}}}'
            _written(
                self._bundle,
                self._bundle_path,
                ((",\n" if self.counts.total() else "\n") + entry + "}").encode("utf-8"),
            )
        if self.ndjson is not None:
            out = self._per_type.get(kind)
            if out is None:
                out = self._per_type[kind] = self.files.open(self.ndjson / f"{kind}.ndjson")
            _written(out, self.ndjson / f"{kind}.ndjson", text.encode("utf-8") + b"\n")
        self.counts[kind] += 1

    def finish(self) -> None:
        if self._bundle is not None:
            self._bundle.write(b"\n]}\n")


def _written(file: BinaryIO, path: Path | None, content: bytes) -> None:
    """``content`` written to ``file`` (bound for ``path``); an OSError names the path, which a failed write
    does not."""
    try:
        file.write(content)
    except OSError as error:
        if error.filename is None and path is not None:
            error.filename = str(path)
        raise


def _bundle_head(bundle_id: str, transaction: bool, meta: Json, timestamp: datetime) -> str:
    """The Bundle without its entries, checked by the model, opened for the entries to follow."""
    shell = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": meta,
        "type": "transaction" if transaction else "collection",
        "timestamp": timestamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    text: str = Bundle.model_validate(shell).model_dump_json(exclude_none=True)
    assert text.endswith("}")
    return text[:-1] + ',"entry":['
