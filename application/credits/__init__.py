"""Credits: the ledger's use cases and the service other contexts post through."""
