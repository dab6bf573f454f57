"""Which postings each kind of movement makes, and the idempotency key it is known by.

Convention: a posting's amount is signed from the account's point of view, so a wallet's balance is
the plain sum of its postings and every transaction sums to zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from domain.credits.accounts import SystemAccount, is_wallet
from domain.credits.amounts import positive_credits, signed_credits
from domain.credits.entry_types import EntryType
from domain.credits.errors import InvalidTransaction
from domain.credits.idempotency import fingerprint
from domain.credits.lots import LOT_EXPIRES
from domain.credits.transactions import LedgerTransaction, Posting

_EMPTY: Mapping[str, object] = {}


def purchase_key(payment_id: str) -> str:
    return f"purchase:{payment_id}"


def refund_key(refund_id: str) -> str:
    return f"refund:{refund_id}"


def initial_allocation_key(wallet: str) -> str:
    return f"initial:{wallet}"


def hold_capture_key(hold_id: str) -> str:
    return f"hold:{hold_id}:capture"


def _wallet_and_system(
    *,
    tx_id: str,
    type_: EntryType,
    wallet: str,
    amount: int,
    system: SystemAccount,
    key: str,
    fp: str,
    description: str,
    now: datetime,
    payment_id: str | None = None,
    refund_id: str | None = None,
    hold_id: str | None = None,
    metadata: Mapping[str, object] = _EMPTY,
) -> LedgerTransaction:
    if not is_wallet(wallet):
        raise InvalidTransaction(f"{wallet!r} is not a wallet")
    return LedgerTransaction(
        id=tx_id,
        type=type_,
        idempotency_key=key,
        fingerprint=fp,
        description=description,
        postings=(Posting(wallet, amount, type_), Posting(system.value, -amount, type_)),
        created_at=now,
        payment_id=payment_id,
        refund_id=refund_id,
        hold_id=hold_id,
        metadata=dict(metadata),
    )


def purchase(
    *, tx_id: str, wallet: str, payment_id: str, credits: int, description: str, now: datetime
) -> LedgerTransaction:
    """PURCHASE: credits bought with a payment; one per payment (the key is the payment id)."""
    credits = positive_credits(credits, field="credits")
    fp = fingerprint(type="PURCHASE", wallet=wallet, payment_id=payment_id, credits=credits)
    return _wallet_and_system(
        tx_id=tx_id,
        type_=EntryType.PURCHASE,
        wallet=wallet,
        amount=credits,
        system=SystemAccount.REVENUE,
        key=purchase_key(payment_id),
        fp=fp,
        description=description,
        now=now,
        payment_id=payment_id,
    )


def refund(
    *,
    tx_id: str,
    wallet: str,
    payment_id: str,
    refund_id: str,
    clawed: int,
    requested: int,
    description: str,
    now: datetime,
) -> LedgerTransaction:
    """REFUND: credits clawed back for a refunded payment; one per refund id."""
    clawed = positive_credits(clawed, field="credits")
    return _wallet_and_system(
        tx_id=tx_id,
        type_=EntryType.REFUND,
        wallet=wallet,
        amount=-clawed,
        system=SystemAccount.REVENUE,
        key=refund_key(refund_id),
        fp=refund_fingerprint(
            wallet=wallet, payment_id=payment_id, refund_id=refund_id, requested=requested
        ),
        description=description,
        now=now,
        payment_id=payment_id,
        refund_id=refund_id,
        metadata={"requested": requested, "shortfall": requested - clawed},
    )


def refund_fingerprint(*, wallet: str, payment_id: str, refund_id: str, requested: int) -> str:
    return fingerprint(
        type="REFUND", wallet=wallet, payment_id=payment_id, refund_id=refund_id, credits=requested
    )


def initial_allocation(
    *,
    tx_id: str,
    wallet: str,
    amount: int,
    description: str,
    now: datetime,
    expires_at: datetime | None = None,
) -> LedgerTransaction:
    """INITIAL_ALLOCATION: the one-time welcome bonus; one per wallet (a lot when it expires)."""
    amount = positive_credits(amount)
    fp = fingerprint(type="INITIAL_ALLOCATION", wallet=wallet, amount=amount)
    return _wallet_and_system(
        tx_id=tx_id,
        type_=EntryType.INITIAL_ALLOCATION,
        wallet=wallet,
        amount=amount,
        system=SystemAccount.PROMOTIONS,
        key=initial_allocation_key(wallet),
        fp=fp,
        description=description,
        now=now,
        metadata=_lot(expires_at),
    )


def bonus(
    *,
    tx_id: str,
    wallet: str,
    amount: int,
    key: str,
    description: str,
    now: datetime,
    metadata: Mapping[str, object] = _EMPTY,
    expires_at: datetime | None = None,
) -> LedgerTransaction:
    """BONUS: promotional credits (a lot when they expire; the expiry is not part of the input,
    so a replay at another instant is the same request)."""
    return _described(
        EntryType.BONUS,
        SystemAccount.PROMOTIONS,
        tx_id=tx_id,
        wallet=wallet,
        amount=positive_credits(amount),
        key=key,
        description=description,
        now=now,
        metadata=metadata,
        expires_at=expires_at,
    )


def adjustment(
    *,
    tx_id: str,
    wallet: str,
    amount: int,
    key: str,
    description: str,
    now: datetime,
    metadata: Mapping[str, object] = _EMPTY,
) -> LedgerTransaction:
    """ADJUSTMENT: an operator's correction; may be negative (never below zero available)."""
    return _described(
        EntryType.ADJUSTMENT,
        SystemAccount.ADJUSTMENTS,
        tx_id=tx_id,
        wallet=wallet,
        amount=signed_credits(amount),
        key=key,
        description=description,
        now=now,
        metadata=metadata,
    )


def _described(
    type_: EntryType,
    system: SystemAccount,
    *,
    tx_id: str,
    wallet: str,
    amount: int,
    key: str,
    description: str,
    now: datetime,
    metadata: Mapping[str, object],
    expires_at: datetime | None = None,
) -> LedgerTransaction:
    """An operator's entry between a wallet and ``system``, fingerprinted by what it says."""
    fp = fingerprint(
        type=type_.value,
        wallet=wallet,
        amount=amount,
        description=description,
        metadata=dict(metadata),
    )
    return _wallet_and_system(
        tx_id=tx_id,
        type_=type_,
        wallet=wallet,
        amount=amount,
        system=system,
        key=key,
        fp=fp,
        description=description,
        now=now,
        metadata={**metadata, **_lot(expires_at)},
    )


def _lot(expires_at: datetime | None) -> Mapping[str, object]:
    return {} if expires_at is None else {LOT_EXPIRES: expires_at.isoformat()}


def deduction(
    *,
    tx_id: str,
    wallet: str,
    amount: int,
    key: str,
    description: str,
    now: datetime,
    metadata: Mapping[str, object] = _EMPTY,
    hold_id: str | None = None,
) -> LedgerTransaction:
    """DEDUCTION: credits spent."""
    amount = positive_credits(amount)
    fp = deduction_fingerprint(
        wallet=wallet, amount=amount, description=description, metadata=metadata, hold_id=hold_id
    )
    return _wallet_and_system(
        tx_id=tx_id,
        type_=EntryType.DEDUCTION,
        wallet=wallet,
        amount=-amount,
        system=SystemAccount.CONSUMPTION,
        key=key,
        fp=fp,
        description=description,
        now=now,
        metadata=metadata,
        hold_id=hold_id,
    )


def deduction_fingerprint(
    *,
    wallet: str,
    amount: int,
    description: str,
    metadata: Mapping[str, object],
    hold_id: str | None = None,
) -> str:
    return fingerprint(
        type="DEDUCTION",
        wallet=wallet,
        amount=amount,
        description=description,
        metadata=dict(metadata),
        hold_id=hold_id,
    )


def expiry(
    *,
    tx_id: str,
    wallet: str,
    amount: int,
    key: str,
    description: str,
    now: datetime,
    metadata: Mapping[str, object] = _EMPTY,
) -> LedgerTransaction:
    """EXPIRY: credits that lapsed (``metadata.lot``: the lot it closes)."""
    amount = positive_credits(amount)
    fp = fingerprint(type="EXPIRY", wallet=wallet, amount=amount)
    return _wallet_and_system(
        tx_id=tx_id,
        type_=EntryType.EXPIRY,
        wallet=wallet,
        amount=-amount,
        system=SystemAccount.EXPIRED,
        key=key,
        fp=fp,
        description=description,
        now=now,
        metadata=metadata,
    )


def transfer(
    *,
    tx_id: str,
    source: str,
    target: str,
    amount: int,
    key: str,
    description: str,
    now: datetime,
    metadata: Mapping[str, object] = _EMPTY,
) -> LedgerTransaction:
    """TRANSFER_OUT of ``source`` and TRANSFER_IN of ``target`` in one transaction.

    Both postings or neither; the sender's leg comes first (its sequence number is lower).
    """
    amount = positive_credits(amount)
    if not (is_wallet(source) and is_wallet(target)):
        raise InvalidTransaction("transfers move credits between wallets")
    if source == target:
        raise InvalidTransaction("a wallet cannot transfer to itself")
    return LedgerTransaction(
        id=tx_id,
        type=EntryType.TRANSFER_OUT,
        idempotency_key=key,
        fingerprint=fingerprint(
            type="TRANSFER",
            source=source,
            target=target,
            amount=amount,
            description=description,
            metadata=dict(metadata),
        ),
        description=description,
        postings=(
            Posting(source, -amount, EntryType.TRANSFER_OUT),
            Posting(target, amount, EntryType.TRANSFER_IN),
        ),
        created_at=now,
        metadata=dict(metadata),
    )
