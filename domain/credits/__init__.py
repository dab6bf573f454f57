"""Credits ledger: double-entry accounts, append-only transactions, holds and their invariants."""
