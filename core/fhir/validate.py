"""Every resource checked against its ``fhir.resources`` R4B model before a byte of it is written.

R4B is the R4-compatible set; the package's top-level models are R5, which R4 systems cannot read. The
library checks structure and types, not profiles: the vital-signs profile's codes and units are the
tests' to check.
"""

from __future__ import annotations

import importlib
import json
from decimal import Decimal
from functools import cache

from fhir.resources.R4B.resource import Resource

from core.fhir.context import Json


class InvalidResource(Exception):
    """A resource its model refused: a bug in the export, never the user's input."""


@cache
def model_of(resource_type: str) -> type[Resource]:
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    model: type[Resource] = getattr(module, resource_type)
    return model


def validated(resource: Json) -> Resource:
    try:
        return model_of(resource["resourceType"]).model_validate(resource)
    except ValueError as error:  # pydantic's ValidationError is one
        raise InvalidResource(f"{resource.get('resourceType')}/{resource.get('id')}: {error}") from error


def to_json(resource: Json) -> str:
    """The resource as FHIR JSON, one line, after its model accepted it.

    What is written is the dict the model accepted, by ``json.dumps``, not the model's own dump: the model
    gives back the same resource for every resource the export builds (a test proves it over the whole demo
    export), and its serialisation was four tenths of the export's time. A Decimal is written as the shortest
    number that reads back as it, as the model writes it."""
    validated(resource)
    return json.dumps(resource, separators=(",", ":"), ensure_ascii=False, default=_number)


def _number(value: object) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
