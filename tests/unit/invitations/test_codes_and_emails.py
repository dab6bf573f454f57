"""Codes are unguessable, stored as digests; e-mails compare case-insensitively, mask safely."""

from __future__ import annotations

import hashlib
import string

from hypothesis import given
from hypothesis import strategies as st

from domain.invitations.codes import digest_code, issue_code, looks_like_code
from domain.invitations.email_address import mask_email, normalise_email, same_email

local_parts = st.text(string.ascii_letters + string.digits + "+-_", min_size=1, max_size=30)
labels = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12)
addresses = st.builds(
    lambda local, host, tld: f"{local}@{host}.{tld}",
    local_parts,
    labels,
    st.sampled_from(["com", "in", "org"]),
)


def test_issued_code_has_256_bits_and_only_its_digest_is_meant_for_storage() -> None:
    code = issue_code()
    assert looks_like_code(code.plaintext)
    assert len(code.plaintext) == 43
    assert code.digest == hashlib.sha256(code.plaintext.encode()).hexdigest()
    assert code.plaintext not in code.digest
    assert code.plaintext not in repr(code)


def test_codes_do_not_repeat() -> None:
    assert len({issue_code().plaintext for _ in range(500)}) == 500


@given(st.text(max_size=80))
def test_digest_is_deterministic_and_hex(code: str) -> None:
    assert digest_code(code) == digest_code(code)
    assert len(digest_code(code)) == 64 and set(digest_code(code)) <= set("0123456789abcdef")


def test_junk_from_a_url_does_not_look_like_a_code() -> None:
    assert not looks_like_code("../../etc/passwd")
    assert not looks_like_code("a" * 42)
    assert not looks_like_code("a" * 44)


@given(addresses)
def test_normalising_is_lowercasing_and_idempotent(address: str) -> None:
    normal = normalise_email(f"  {address.upper()} ")
    assert normal == address.lower()
    assert normalise_email(normal) == normal
    assert same_email(address.upper(), address)


def test_dots_and_plus_in_the_local_part_are_valid() -> None:
    # The original's HEAD refused "john.doe@x.com"; we do not.
    assert normalise_email("John.Doe+team@Example.co.in") == "john.doe+team@example.co.in"


def test_implausible_addresses_are_rejected() -> None:
    for bad in [
        "",
        "plain",
        "a@b",
        "a@@b.com",
        "@b.com",
        "a@.com",
        "a..b@x.com",
        ".a@x.com",
        "a b@x.com",
        "a@x.123",
        "a@-x.com",
        "x" * 65 + "@x.com",
        "a@" + "x" * 250 + ".com",
    ]:
        assert normalise_email(bad) is None, bad


@given(addresses)
def test_mask_keeps_the_tld_and_hides_the_rest(address: str) -> None:
    address = address.lower()
    local, domain = address.split("@")
    masked = mask_email(address)
    assert masked.endswith("." + domain.rsplit(".", 1)[1])
    assert "***" in masked
    masked_local, masked_domain = masked.split("@")
    if len(local) > 2:
        assert local not in masked_local
    host = domain.rsplit(".", 1)[0]
    if len(host) > 1:
        assert host not in masked_domain
    assert mask_email(address) == masked


def test_mask_example() -> None:
    assert mask_email("alice@example.com") == "a***e@e***.com"
    assert mask_email("al@example.com") == "a***@e***.com"
