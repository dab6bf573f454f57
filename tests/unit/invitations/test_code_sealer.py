"""A sealed code opens only with the same key and for the same invitation."""

from __future__ import annotations

import os

import pytest

from adapters.crypto.aes_gcm_sealer import AesGcmCodeSealer
from application.invitations.code_sealer import SealBroken
from domain.invitations.codes import issue_code


def test_round_trip_without_revealing_the_code() -> None:
    sealer = AesGcmCodeSealer(os.urandom(32))
    code = issue_code().plaintext
    sealed = sealer.seal(code, bound_to="inv-1")
    assert code not in sealed
    assert sealer.unseal(sealed, bound_to="inv-1") == code
    assert sealer.seal(code, bound_to="inv-1") != sealed  # fresh nonce each time


def test_other_invitation_other_key_or_tampering_is_refused() -> None:
    key = os.urandom(32)
    sealed = AesGcmCodeSealer(key).seal("secret", bound_to="inv-1")
    with pytest.raises(SealBroken):
        AesGcmCodeSealer(key).unseal(sealed, bound_to="inv-2")
    with pytest.raises(SealBroken):
        AesGcmCodeSealer(os.urandom(32)).unseal(sealed, bound_to="inv-1")
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(SealBroken):
        AesGcmCodeSealer(key).unseal(flipped, bound_to="inv-1")
    with pytest.raises(SealBroken):
        AesGcmCodeSealer(key).unseal("plain-text", bound_to="inv-1")


def test_key_from_text_must_be_32_bytes() -> None:
    import base64

    text = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    assert (
        AesGcmCodeSealer.from_text(text).unseal(
            AesGcmCodeSealer.from_text(text).seal("x", bound_to="i"), bound_to="i"
        )
        == "x"
    )
    with pytest.raises(ValueError):
        AesGcmCodeSealer(b"short")
