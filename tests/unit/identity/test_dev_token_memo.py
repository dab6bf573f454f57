"""Dev tokens, like Clerk's, are verified once and remembered until their exp (issue 13)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from adapters.dev_identity import dev_tokens
from adapters.dev_identity.dev_tokens import DevTokenVerifier, issue_dev_token
from domain.errors import AuthenticationFailed

SECRET = "dev-secret-" + "s" * 32


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tokens that reach PyJWT."""
    seen: list[str] = []
    real = dev_tokens.jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(dev_tokens.jwt, "decode", counting)
    return seen


async def test_a_token_is_decoded_once_then_remembered(decoded: list[str]) -> None:
    verifier = DevTokenVerifier(SECRET)
    token = issue_dev_token(SECRET, "memo@example.com", ttl_seconds=600)
    first = await verifier.verify(token)
    assert [await verifier.verify(token) for _ in range(5)] == [first] * 5
    assert len(decoded) == 1


async def test_a_remembered_token_is_checked_afresh_after_its_exp(decoded: list[str]) -> None:
    now = [time.time()]
    verifier = DevTokenVerifier(SECRET, clock=lambda: now[0])
    token = issue_dev_token(SECRET, "memo@example.com", ttl_seconds=30, now=now[0])
    await verifier.verify(token)

    now[0] += 36  # past exp + leeway: the memo no longer answers, PyJWT's clock decides
    await verifier.verify(token)  # (PyJWT's own clock: still valid in real time)
    assert len(decoded) == 2


async def test_an_expired_token_is_never_remembered_nor_accepted() -> None:
    verifier = DevTokenVerifier(SECRET)
    expired = issue_dev_token(SECRET, "old@example.com", ttl_seconds=10, now=time.time() - 60)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            await verifier.verify(expired)
    assert verifier._verified.entries == {}


async def test_a_forged_token_is_refused_even_when_a_genuine_one_is_remembered() -> None:
    verifier = DevTokenVerifier(SECRET)
    genuine = issue_dev_token(SECRET, "who@example.com")
    forged = issue_dev_token("another-secret-" + "x" * 32, "who@example.com")
    await verifier.verify(genuine)
    with pytest.raises(AuthenticationFailed):
        await verifier.verify(forged)
    with pytest.raises(AuthenticationFailed):
        await verifier.verify(genuine[:-2] + ("AA" if genuine[-2:] != "AA" else "BB"))


async def test_the_memo_never_outlives_the_token() -> None:
    now = time.time()
    verifier = DevTokenVerifier(SECRET, clock=lambda: now)
    short = issue_dev_token(SECRET, "short@example.com", ttl_seconds=10, now=now)
    await verifier.verify(short)
    assert verifier._verified.entries[short][0] <= int(now) + 10 + 5  # exp + leeway
