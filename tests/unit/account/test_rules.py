"""Account rules: the verification token (binding, expiry, forgery), code digests, the export
interval and link signatures, the lifecycle windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.account.errors import ExportExpired, ExportLinkInvalid, ExportTooSoon
from domain.account.exports import DataExport, ExportLinks, ExportStatus, ensure_may_request
from domain.account.lifecycle import Stage, days_left, recover_by, stage
from domain.account.step_up import CodeDigests, VerificationTokens
from domain.identity.user import AccountDeleted
from domain.keyed_hash import KeyedHash

KEY = KeyedHash(b"k" * 32)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_a_token_is_valid_for_its_user_until_it_expires() -> None:
    tokens = VerificationTokens(KEY)
    text, token = tokens.issue("u1", NOW, timedelta(seconds=900))
    read = tokens.read(text)
    assert read == token
    assert read.is_valid_for("u1", NOW + timedelta(seconds=899))
    assert not read.is_valid_for("u1", NOW + timedelta(seconds=900))
    assert not read.is_valid_for("u2", NOW)


@given(st.text(max_size=300))
def test_no_forged_text_reads_as_a_token(text: str) -> None:
    assert VerificationTokens(KEY).read(text) is None


@given(st.integers(min_value=0, max_value=2))
def test_a_token_altered_anywhere_is_refused(part: int) -> None:
    tokens = VerificationTokens(KEY)
    text, _ = tokens.issue("u1", NOW, timedelta(seconds=900))
    pieces = text.split(".")
    pieces[part] = pieces[part][:-1] + ("0" if pieces[part][-1] != "0" else "1")
    assert tokens.read(".".join(pieces)) is None


def test_tokens_of_another_key_or_purpose_are_refused() -> None:
    text, _ = VerificationTokens(KeyedHash(b"x" * 32)).issue("u1", NOW, timedelta(seconds=900))
    assert VerificationTokens(KEY).read(text) is None
    digest = CodeDigests(KEY).digest("123456", user_id="u1")
    assert not CodeDigests(KEY).matches("123456", digest, user_id="u2")
    assert CodeDigests(KEY).matches("123456", digest, user_id="u1")
    # The code digest is not the token's signature over the same text.
    assert digest != VerificationTokens(KEY)._key.digest("u1", "123456")


def test_one_export_per_24_hours_a_failed_one_does_not_count() -> None:
    ensure_may_request(None, NOW)
    last = DataExport("e1", "u1", ExportStatus.READY, NOW - timedelta(hours=23))
    with pytest.raises(ExportTooSoon) as refused:
        ensure_may_request(last, NOW)
    assert refused.value.retry_after == 3600 and refused.value.status == 429
    ensure_may_request(DataExport("e1", "u1", ExportStatus.READY, NOW - timedelta(hours=24)), NOW)
    ensure_may_request(DataExport("e1", "u1", ExportStatus.FAILED, NOW), NOW)


def test_export_links_are_signed_for_the_export_and_expire() -> None:
    links = ExportLinks(KEY)
    export = DataExport("e1", "u1", ExportStatus.READY, NOW, completed_at=NOW, size_bytes=1)
    expires, signature = links.sign(export, NOW + timedelta(hours=24))
    links.check(export, expires, signature, NOW + timedelta(hours=23))
    with pytest.raises(ExportExpired):
        links.check(export, expires, signature, NOW + timedelta(hours=24))
    with pytest.raises(ExportLinkInvalid):
        links.check(export, expires + 1, signature, NOW)
    other = DataExport("e1", "u2", ExportStatus.READY, NOW, completed_at=NOW, size_bytes=1)
    with pytest.raises(ExportLinkInvalid):
        links.check(other, expires, signature, NOW)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, Stage.RECOVERABLE),
        (79.9, Stage.RECOVERABLE),
        (80, Stage.WARN),
        (90, Stage.WARN),
        (90.01, Stage.ERASE),
    ],
)
def test_lifecycle_windows(days: float, expected: Stage) -> None:
    assert stage(NOW - timedelta(days=days), NOW) is expected


def test_days_left_and_recover_by() -> None:
    deleted = NOW - timedelta(days=85, hours=1)
    assert days_left(deleted, NOW) == 5
    assert days_left(NOW - timedelta(days=90), NOW) == 1
    assert recover_by(NOW) == NOW + timedelta(days=90)


def test_account_deleted_carries_the_recovery_details() -> None:
    denied = AccountDeleted.since(NOW, NOW + timedelta(days=10))
    assert denied.code == "ACCOUNT_DELETED" and denied.status == 403
    assert denied.details == {"recoverable": True, "recoverBy": "2027-02-20T10:00:00Z"}
    assert AccountDeleted.since(NOW, NOW + timedelta(days=91)).details["recoverable"] is False
