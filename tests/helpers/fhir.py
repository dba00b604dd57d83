"""Reading an export back as another system would (the tests' round trip), through the R4B models."""

from __future__ import annotations

import json
from typing import Any

from core.fhir.validate import model_of


def parse(text: str | bytes) -> Any:
    """A resource read back through its model."""
    data = json.loads(text)
    return model_of(data["resourceType"]).model_validate(data)
