"""parse_jwks keeps only usable RS256 signing keys and never trusts a malformed entry."""

from __future__ import annotations

import pytest

from adapters.clerk.signing_keys import parse_jwks
from tests.fixtures.jwks_server import signing_key


def test_rs256_signing_keys_are_kept_by_kid() -> None:
    first, second = signing_key(0, kid="k1"), signing_key(1, kid="k2")

    keys = parse_jwks({"keys": [first.jwk, second.jwk]})

    assert set(keys) == {"k1", "k2"}
    assert keys["k2"].public_numbers() == second.private_key.public_key().public_numbers()


@pytest.mark.parametrize(
    "change",
    [
        {"kty": "oct", "k": "c2VjcmV0"},  # a symmetric key must never verify an RS256 token
        {"use": "enc"},
        {"alg": "RS512"},
        {"kid": ""},
        {"kid": 7},
        {"n": None},
        {"e": 12},
    ],
)
def test_unusable_entries_are_skipped(change: dict[str, object]) -> None:
    good = signing_key(0, kid="good").jwk
    bad = {**signing_key(1, kid="bad").jwk, **change}

    keys = parse_jwks({"keys": [bad, good, "not-an-object"]})

    assert list(keys) == ["good"]


def test_entry_without_kid_is_skipped() -> None:
    entry = signing_key(0).jwk
    del entry["kid"]
    assert parse_jwks({"keys": [entry]}) == {}


@pytest.mark.parametrize("document", [{}, {"keys": "x"}, [], "keys", None])
def test_a_document_without_a_keys_list_is_rejected(document: object) -> None:
    with pytest.raises(ValueError):
        parse_jwks(document)
