"""Base classes for request and response models: camelCase on the wire, unknown fields refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel

from application.pagination import MAX_CURSOR_LENGTH, MAX_LIMIT


def _iso_z(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


UtcTime = Annotated[datetime, PlainSerializer(_iso_z, return_type=str)]


class ApiInput(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", str_strip_whitespace=True
    )


class ApiQuery(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ApiOutput(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True
    )


class PageQuery(ApiQuery):
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=MAX_CURSOR_LENGTH)


class Updated(ApiOutput):
    updated: int


class Deleted(ApiOutput):
    deleted: int
