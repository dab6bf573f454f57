"""What a repository raises, alike on every adapter, when storage refuses a write."""

from __future__ import annotations


class DuplicateKey(Exception):
    """A write would break a uniqueness the repository keeps (an id, a receipt, a gateway id, an
    invitation code digest). Adapters raise this instead of their driver's error, so callers and
    the contract tests see one error on every backend. It is not a domain error: use cases
    prevent duplicates first, so reaching it is a bug or a lost race (an unexpected error, 500).
    """
