"""What every context container repeats when it hands its use cases to its route modules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from dependency_injector import providers


def route_use_cases(shape: type, namespace: Mapping[str, Any], **others: Any) -> providers.List:
    """The ``http`` list of a context container: one ``shape`` (a routes' use-case dataclass).

    Each field of ``shape`` is the ``.provider`` of the container's provider of the same name
    (``namespace`` is the container's class body, ``vars()``), unless ``others`` names it; a
    field the container lacks fails here, when the container is declared.
    """
    wired = {
        f.name: others[f.name] if f.name in others else namespace[f.name].provider
        for f in fields(shape)
    }
    return providers.List(providers.Singleton(shape, **wired))
