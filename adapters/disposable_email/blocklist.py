"""``DisposableDomains`` from the ``disposable-email-domains`` package (a maintained list,
updated by upgrading the package), minus the package's own allowlist."""

from __future__ import annotations

from disposable_email_domains import allowlist, blocklist

from domain.email_domains import is_disposable


class PackagedDisposableDomains:
    def __init__(self, extra: frozenset[str] = frozenset()) -> None:
        self._domains = frozenset((set(blocklist) - set(allowlist)) | extra)

    def __contains__(self, domain: object) -> bool:
        return domain in self._domains

    def __len__(self) -> int:
        return len(self._domains)

    def is_disposable(self, email: str) -> bool:
        """The address's domain or a parent domain is listed (``x.mailinator.com`` too)."""
        return is_disposable(email, self)
