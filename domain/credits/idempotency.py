"""Idempotency rules of the ledger, and the fingerprint that decides "same input"."""

from __future__ import annotations

import hashlib
import json

from domain.credits.errors import IdempotencyKeyReused, InsufficientCredits
from domain.credits.outcomes import Outcome, Posted, Rejected, RejectionReason

#: ``json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)``, built once: a
#: ``dumps`` with options builds a new encoder on every call (every posting's fingerprint).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def fingerprint(**fields: object) -> str:
    """SHA-256 of the canonical JSON of ``fields`` (key order and spacing do not matter)."""
    return hashlib.sha256(_CANONICAL.encode(fields).encode()).hexdigest()


def caller_key(kind: str, caller: str, client_key: str) -> str:
    """The ledger key behind a caller's Idempotency-Key: ``<kind>:<caller>:<sha256 of the key>``.

    Fixed length whatever the client chose (API.md allows 255 characters, which would not fit
    beside the prefix within the ledger's 255), deterministic (a replay finds the first answer),
    scoped per caller, and never merging two client keys the way a truncation would.
    """
    digest = hashlib.sha256(client_key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kind}:{caller}:{digest}"


def replay(stored: Outcome, fingerprint_: str) -> Posted | Rejected:
    """The answer for a key seen before.

    Same input → the original result (a rejection for insufficient credits stays a rejection);
    different input → IdempotencyKeyReused.
    """
    if stored.fingerprint != fingerprint_:
        raise IdempotencyKeyReused(
            stored.transaction.idempotency_key
            if isinstance(stored, Posted)
            else stored.idempotency_key
        )
    if isinstance(stored, Rejected) and stored.reason is RejectionReason.INSUFFICIENT_CREDITS:
        raise insufficient_from(stored)
    return stored


def insufficient_from(rejected: Rejected) -> InsufficientCredits:
    d = rejected.details
    return InsufficientCredits(
        balance=d.get("balance", 0), available=d.get("available", 0), required=d.get("required", 0)
    )
