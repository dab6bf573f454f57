"""Ids made one after the other sort in that order (audit trails and keyset pages rely on it)."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from domain.ids import derived_id, new_id, uuid_text


def test_ids_made_in_a_row_sort_in_that_order():
    ids = [new_id() for _ in range(20_000)]  # many per millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_ids_are_uuid_version_7_with_the_rfc_variant():
    value = uuid.UUID(new_id())
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


@given(st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_the_text_form_is_the_standard_librarys(value: int) -> None:
    assert uuid_text(value) == str(uuid.UUID(int=value))


def test_derived_ids_are_uuid_version_8_and_stable():
    value = uuid.UUID(derived_id("a", "b"))
    assert value.version == 8 and value.variant == uuid.RFC_4122
    assert derived_id("a", "b") == derived_id("a", "b") != derived_id("ab", "")
