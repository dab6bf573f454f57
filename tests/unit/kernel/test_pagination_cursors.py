"""The one cursor codec: what the server hands out comes back typed; anything else is a 400."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from application.pagination import PageRequest, decode_cursor, encode_cursor, page_request
from domain.errors import ValidationFailed


def _raw(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_time_cursors_round_trip_in_utc() -> None:
    at = datetime(2025, 3, 1, 17, 30, 0, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    page = page_request(5, encode_cursor(at, "0190-id"))
    assert page.after_time() == (at.astimezone(UTC), "0190-id")


def test_sequence_and_id_cursors_round_trip() -> None:
    assert page_request(5, encode_cursor(2**63 - 1, "tx")).after_seq() == (2**63 - 1, "tx")
    assert page_request(5, encode_cursor("", "0190-id")).after_id() == "0190-id"
    assert PageRequest().after_time() is None and PageRequest().after_seq() is None


def test_an_id_ordered_cursor_of_the_old_shape_still_decodes() -> None:
    assert decode_cursor(_raw(["0190-id", "0190-id"])) == ("", "0190-id")


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "é",
        _raw({"a": 1}),
        _raw(["2024-01-01T00:00:00", "id"]),
        _raw(["2024-02-30T00:00:00Z", "id"]),
        _raw(["0001-01-01T00:00:00+14:00", "id"]),
        _raw([str(2**63), "id"]),
        _raw(["junk", "id"]),
        _raw(["", "a\u0000"]),
        _raw(["", "x" * 256]),
    ],
)
def test_a_crafted_cursor_is_a_validation_error(cursor: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(cursor)
    assert refused.value.details == [{"field": "cursor", "message": "invalid"}]


def test_a_cursor_of_another_kind_of_list_is_a_validation_error() -> None:
    time_cursor = page_request(5, encode_cursor(datetime.now(UTC), "id"))
    with pytest.raises(ValidationFailed):
        time_cursor.after_seq()
    with pytest.raises(ValidationFailed):
        page_request(5, encode_cursor(42, "id")).after_time()


def test_the_server_never_hands_out_a_cursor_it_would_refuse() -> None:
    with pytest.raises(ValueError):
        encode_cursor(datetime(2025, 1, 1), "id")  # naive: the point of the test
    with pytest.raises(ValueError):
        encode_cursor("2025-01-01T00:00:00+00:00", "id")
    with pytest.raises(ValueError):
        encode_cursor(2**64, "id")
