"""The seed's ledger entry types (CreditTransactionType)."""

from __future__ import annotations

from enum import StrEnum


class EntryType(StrEnum):
    PURCHASE = "PURCHASE"
    REFUND = "REFUND"
    BONUS = "BONUS"
    DEDUCTION = "DEDUCTION"
    ADJUSTMENT = "ADJUSTMENT"
    INITIAL_ALLOCATION = "INITIAL_ALLOCATION"
    EXPIRY = "EXPIRY"
    TRANSFER_IN = "TRANSFER_IN"
    TRANSFER_OUT = "TRANSFER_OUT"
