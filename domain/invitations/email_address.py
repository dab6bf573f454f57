"""E-mail addresses as invitations see them: normalised for comparison, masked for previews."""

from __future__ import annotations

import re

MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit
MAX_LOCAL_LENGTH = 64

# Deliberately permissive (dots, plus signs, hyphens are all fine: the original's HEAD rejected
# "john.doe@x.com"); the invitee proves the address by signing in with it, not by our regex.
_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$")
_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def normalise_email(raw: str) -> str | None:
    """The lower-cased, trimmed address, or None when it is not a plausible address.

    Invitations compare addresses case-insensitively: the whole address is lower-cased (providers
    treat the local part case-insensitively in practice, and the identity provider does the same).
    """
    address = raw.strip().lower()
    if not address or len(address) > MAX_EMAIL_LENGTH or address.count("@") != 1:
        return None
    local, domain = address.split("@")
    if not local or len(local) > MAX_LOCAL_LENGTH or not _LOCAL.fullmatch(local):
        return None
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return None
    if labels[-1].isdigit():
        return None
    return address


def same_email(a: str, b: str) -> bool:
    """Case- and surrounding-space-insensitive equality."""
    return a.strip().lower() == b.strip().lower()


def mask_email(address: str) -> str:
    """A hint of the address for the public preview: ``alice@example.com`` -> ``a***e@e***.com``.

    Keeps the first (and, for longer local parts, last) character of the local part, the first
    character of the domain and the top-level domain; everything else becomes ``***``.
    """
    local, _, domain = address.partition("@")
    masked_local = local[:1] + "***" + (local[-1] if len(local) > 2 else "")
    head, _, tld = domain.rpartition(".")
    masked_domain = (head[:1] + "***." + tld) if head else "***"
    return f"{masked_local}@{masked_domain}"
