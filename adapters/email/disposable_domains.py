"""``DisposableEmailCheck`` on the maintained ``disposable-email-domains`` list (PyPI package,
updated with the upstream list), never a hand-typed one."""

from __future__ import annotations

from disposable_email_domains import blocklist


class PackagedDisposableDomains:
    def __init__(self, domains: frozenset[str] | set[str] = blocklist) -> None:
        self._domains = domains

    def is_disposable(self, email: str) -> bool:
        domain = email.rpartition("@")[2].strip().lower().rstrip(".")
        labels = domain.split(".")
        # sub.mailinator.com is as disposable as mailinator.com
        return any(".".join(labels[i:]) in self._domains for i in range(len(labels) - 1))
