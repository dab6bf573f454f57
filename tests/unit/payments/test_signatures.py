from __future__ import annotations

import pytest

from application.payments.signatures import (
    checkout_signature,
    hmac_sha256_hex,
    is_valid_checkout_signature,
    is_valid_webhook_signature,
    signatures_match,
)


def test_checkout_signature_is_hmac_of_order_pipe_payment() -> None:
    expected = hmac_sha256_hex("secret", b"order_1|pay_1")
    assert (
        checkout_signature(order_id="order_1", payment_id="pay_1", key_secret="secret") == expected
    )
    assert is_valid_checkout_signature(
        order_id="order_1", payment_id="pay_1", signature=expected, key_secret="secret"
    )


@pytest.mark.parametrize("given", [None, "", "abc", "é" * 64, "0" * 64, "0" * 200])
def test_bad_signatures_never_match(given: str | None) -> None:
    assert not signatures_match(hmac_sha256_hex("s", b"body"), given)


def test_webhook_signature_is_over_the_raw_bytes() -> None:
    body = b'{"event": "payment.captured", "a": 1}'
    signature = hmac_sha256_hex("whsec", body)
    assert is_valid_webhook_signature(raw_body=body, signature=signature, secret="whsec")
    reserialized = b'{"event":"payment.captured","a":1}'
    assert not is_valid_webhook_signature(
        raw_body=reserialized, signature=signature, secret="whsec"
    )


def test_an_empty_secret_accepts_nothing() -> None:
    assert not is_valid_webhook_signature(
        raw_body=b"", signature=hmac_sha256_hex("", b""), secret=""
    )
