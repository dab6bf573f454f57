"""The Idempotency-Key mechanism (API.md Conventions) on the memory store."""

from __future__ import annotations

import pytest

from application.idempotency import IdempotentRequests, request_fingerprint, validate_key
from application.ports.idempotency import StoredResponse
from domain.errors import DuplicateRequest, ValidationFailed

FP = request_fingerprint("POST", "/api/v1/payments/create-order", b'{"planId":"plan_pro"}')
RESPONSE = StoredResponse(201, b'{"success":true,"data":{"orderId":"o1"}}')


async def test_first_request_proceeds_then_replays(uow, clock):
    requests = IdempotentRequests(uow, clock)
    assert await requests.begin(scope="u1", key="k", fingerprint=FP) is None
    with pytest.raises(DuplicateRequest, match="in progress"):
        await requests.begin(scope="u1", key="k", fingerprint=FP)
    await requests.finish(scope="u1", key="k", response=RESPONSE)
    assert await requests.begin(scope="u1", key="k", fingerprint=FP) == RESPONSE
    other = request_fingerprint("POST", "/api/v1/payments/create-order", b'{"planId":"x"}')
    with pytest.raises(DuplicateRequest, match="different request"):
        await requests.begin(scope="u1", key="k", fingerprint=other)
    assert await requests.begin(scope="u2", key="k", fingerprint=FP) is None  # per caller


async def test_abandoned_and_expired_keys_can_be_used_again(uow, clock):
    requests = IdempotentRequests(uow, clock)
    await requests.begin(scope="u", key="k", fingerprint=FP)
    await requests.abandon(scope="u", key="k")
    assert await requests.begin(scope="u", key="k", fingerprint=FP) is None
    clock.advance(minutes=3)  # the in-flight claim of a process that died is taken over
    assert await requests.begin(scope="u", key="k", fingerprint=FP) is None
    await requests.finish(scope="u", key="k", response=RESPONSE)
    clock.advance(hours=23)
    assert await requests.begin(scope="u", key="k", fingerprint=FP) == RESPONSE
    clock.advance(hours=2)
    assert await requests.begin(scope="u", key="k", fingerprint=FP) is None


def test_key_rules_and_fingerprint():
    assert validate_key("abc") == "abc"
    assert validate_key(None, required=False) is None
    for bad in (None, "", "k" * 256, "line\nbreak"):
        with pytest.raises(ValidationFailed):
            validate_key(bad)
    assert request_fingerprint("POST", "/a", b"x") != request_fingerprint("POST", "/a", b"y")
    assert request_fingerprint("POST", "/a", b"x") != request_fingerprint("POST", "/ax", b"")
