"""Razorpay signatures: HMAC-SHA256 in hex, compared in constant time.

Checkout: HMAC(key secret, ``order_id|payment_id``). Webhooks: HMAC(webhook secret, raw body bytes)
— the bytes as received, never a re-serialized JSON document (the original's bug #4).
"""

from __future__ import annotations

import hashlib
import hmac


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signatures_match(expected: str, given: str | None) -> bool:
    """Constant-time comparison; a missing, non-ASCII or wrong-length signature is simply False."""
    if not given:
        return False
    try:
        return hmac.compare_digest(expected.encode("ascii"), given.strip().encode("ascii"))
    except UnicodeEncodeError:
        return False


def checkout_signature(*, order_id: str, payment_id: str, key_secret: str) -> str:
    return hmac_sha256_hex(key_secret, f"{order_id}|{payment_id}".encode())


def is_valid_checkout_signature(
    *, order_id: str, payment_id: str, signature: str | None, key_secret: str
) -> bool:
    expected = checkout_signature(order_id=order_id, payment_id=payment_id, key_secret=key_secret)
    return signatures_match(expected, signature)


def is_valid_webhook_signature(*, raw_body: bytes, signature: str | None, secret: str) -> bool:
    if not secret:
        return False  # an unconfigured secret must never accept everything
    return signatures_match(hmac_sha256_hex(secret, raw_body), signature)
