"""Base classes for request and response models: camelCase on the wire, unknown fields refused."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel

from application.pagination import MAX_CURSOR_LENGTH, MAX_LIMIT, PageRequest, page_request

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


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


M = TypeVar("M", bound=ApiOutput)


def shown(model: type[M], source: object, **differing: object) -> M:
    """``model`` showing ``source``: every field is ``source``'s attribute of the same name,
    except those given in ``differing`` (renamed, converted or computed ones); a field with a
    default that ``source`` has no attribute for keeps its default."""
    same = {
        name: getattr(source, name)
        for name, field in model.model_fields.items()
        if name not in differing and (field.is_required() or hasattr(source, name))
    }
    return model.model_validate({**same, **differing})


D = TypeVar("D", bound="DataclassInstance")


def read_fields(cls: type[D], body: BaseModel, **differing: object) -> D:
    """An application dataclass (a change set) from a request body: every field is the body's
    field of the same name, except those given in ``differing``."""
    same = {
        f.name: getattr(body, f.name) for f in dataclasses.fields(cls) if f.name not in differing
    }
    return cls(**same, **differing)


class PageQuery(ApiQuery):
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=MAX_CURSOR_LENGTH)

    @property
    def paging(self) -> PageRequest:
        """The page this query asks for."""
        return page_request(self.limit, self.cursor)


class Updated(ApiOutput):
    updated: int


class Deleted(ApiOutput):
    deleted: int
