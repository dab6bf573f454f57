"""Ids made one after the other sort in that order (audit trails and keyset pages rely on it)."""

from __future__ import annotations

import uuid

from domain.ids import new_id


def test_ids_made_in_a_row_sort_in_that_order():
    ids = [new_id() for _ in range(20_000)]  # many per millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_ids_are_uuid_version_7_with_the_rfc_variant():
    value = uuid.UUID(new_id())
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
