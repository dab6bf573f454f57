"""Disposable e-mail domains: the list is a port (a maintained package behind it); the rule is
here — the address's domain or any parent domain listed (``x.mailinator.com`` too)."""

from __future__ import annotations

from collections.abc import Container


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().rstrip(".").lower()


def is_disposable(email: str, blocklist: Container[str]) -> bool:
    labels = email_domain(email).split(".")
    return any(".".join(labels[i:]) in blocklist for i in range(len(labels) - 1))
