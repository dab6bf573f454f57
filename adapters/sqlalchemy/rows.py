"""Rows to domain values: a dataclass from the columns named like its fields."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def entity(cls: type[T], row: Any, **converted: object) -> T:
    """``cls`` (a dataclass) built from ``row``: every field from the column of the same name,
    except those ``converted`` gives (enums, nested values, defaults for NULL)."""
    plain = {
        f.name: getattr(row, f.name)
        for f in fields(cls)  # type: ignore[arg-type]
        if f.init and f.name not in converted
    }
    return cls(**plain, **converted)
