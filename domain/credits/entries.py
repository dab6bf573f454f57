"""Which postings each kind of movement makes, and the idempotency key it is known by.

Convention: a posting's amount is signed from the account's point of view, so a wallet's balance is
the plain sum of its postings and every transaction sums to zero.

Every kind but TRANSFER moves credits between one wallet and one system account; a ``Kind`` says
which system account, which way, and what identifies the request (its fingerprint). The keyed
kinds (BONUS, ADJUSTMENT, DEDUCTION, EXPIRY) are ``Keyed`` builders the caller names a key for;
PURCHASE, REFUND and INITIAL_ALLOCATION derive their key from what they are one of.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Kind:
    """A wallet↔system movement: ``sign`` +1 credits the wallet, -1 debits it."""

    type: EntryType
    system: SystemAccount
    sign: int

    def build(
        self,
        *,
        tx_id: str,
        now: datetime,
        wallet: str,
        credits: int,
        key: str,
        fp: str,
        description: str,
        metadata: Mapping[str, object] = _EMPTY,
        payment_id: str | None = None,
        refund_id: str | None = None,
        hold_id: str | None = None,
    ) -> LedgerTransaction:
        """The transaction moving ``credits`` (already validated) the way this kind goes."""
        if not is_wallet(wallet):
            raise InvalidTransaction(f"{wallet!r} is not a wallet")
        amount = self.sign * credits
        return LedgerTransaction(
            id=tx_id,
            type=self.type,
            idempotency_key=key,
            fingerprint=fp,
            description=description,
            postings=(
                Posting(wallet, amount, self.type),
                Posting(self.system.value, -amount, self.type),
            ),
            created_at=now,
            payment_id=payment_id,
            refund_id=refund_id,
            hold_id=hold_id,
            metadata=dict(metadata),
        )


def _lot(expires_at: datetime | None) -> Mapping[str, object]:
    return {} if expires_at is None else {LOT_EXPIRES: expires_at.isoformat()}


def _says(
    type_: EntryType, wallet: str, amount: int, description: str, metadata: Mapping[str, object]
) -> dict[str, object]:
    """The fingerprint fields of an entry identified by what it says."""
    return {
        "type": type_.value,
        "wallet": wallet,
        "amount": amount,
        "description": description,
        "metadata": dict(metadata),
    }


@dataclass(frozen=True)
class Keyed:
    """A builder of one kind under a key the caller chooses.

    ``amount_rule`` validates the requested amount; ``identity`` names what identifies the
    request (same fields, same request); ``lots`` says whether the credits may expire (the expiry is
    not part of the identity, so a replay at another instant is the same request); ``holds`` whether
    the entry may capture a hold.
    """

    kind: Kind
    amount_rule: Callable[[int], int]
    identity: Callable[[EntryType, str, int, str, Mapping[str, object]], dict[str, object]]
    lots: bool = False
    holds: bool = False

    def __call__(
        self,
        *,
        tx_id: str,
        wallet: str,
        amount: int,
        key: str,
        description: str,
        now: datetime,
        metadata: Mapping[str, object] = _EMPTY,
        expires_at: datetime | None = None,
        hold_id: str | None = None,
    ) -> LedgerTransaction:
        if expires_at is not None and not self.lots:
            raise InvalidTransaction(f"{self.kind.type} credits do not expire")
        if hold_id is not None and not self.holds:
            raise InvalidTransaction(f"{self.kind.type} captures no hold")
        amount = self.amount_rule(amount)
        identity = self.identity(self.kind.type, wallet, amount, description, metadata)
        if self.holds:
            identity["hold_id"] = hold_id
        return self.kind.build(
            tx_id=tx_id,
            now=now,
            wallet=wallet,
            credits=amount,
            key=key,
            fp=fingerprint(**identity),
            description=description,
            metadata={**metadata, **_lot(expires_at)},
            hold_id=hold_id,
        )


def _amount_only(
    type_: EntryType, wallet: str, amount: int, _description: str, _metadata: Mapping[str, object]
) -> dict[str, object]:
    return {"type": type_.value, "wallet": wallet, "amount": amount}


PURCHASE = Kind(EntryType.PURCHASE, SystemAccount.REVENUE, +1)
REFUND = Kind(EntryType.REFUND, SystemAccount.REVENUE, -1)
INITIAL_ALLOCATION = Kind(EntryType.INITIAL_ALLOCATION, SystemAccount.PROMOTIONS, +1)

bonus = Keyed(
    Kind(EntryType.BONUS, SystemAccount.PROMOTIONS, +1), positive_credits, _says, lots=True
)
"""BONUS: promotional credits (a lot when they expire)."""
adjustment = Keyed(Kind(EntryType.ADJUSTMENT, SystemAccount.ADJUSTMENTS, +1), signed_credits, _says)
"""ADJUSTMENT: an operator's correction; may be negative (never below zero available)."""
deduction = Keyed(
    Kind(EntryType.DEDUCTION, SystemAccount.CONSUMPTION, -1), positive_credits, _says, holds=True
)
"""DEDUCTION: credits spent (``hold_id``: the hold it captures)."""
expiry = Keyed(Kind(EntryType.EXPIRY, SystemAccount.EXPIRED, -1), positive_credits, _amount_only)
"""EXPIRY: credits that lapsed (``metadata.lot``: the lot it closes)."""


def deduction_fingerprint(
    *,
    wallet: str,
    amount: int,
    description: str,
    metadata: Mapping[str, object],
    hold_id: str | None = None,
) -> str:
    return fingerprint(
        **_says(EntryType.DEDUCTION, wallet, amount, description, metadata), hold_id=hold_id
    )


def purchase(
    *, tx_id: str, wallet: str, payment_id: str, credits: int, description: str, now: datetime
) -> LedgerTransaction:
    """PURCHASE: credits bought with a payment; one per payment (the key is the payment id)."""
    credits = positive_credits(credits, field="credits")
    return PURCHASE.build(
        tx_id=tx_id,
        now=now,
        wallet=wallet,
        credits=credits,
        key=purchase_key(payment_id),
        fp=fingerprint(type="PURCHASE", wallet=wallet, payment_id=payment_id, credits=credits),
        description=description,
        payment_id=payment_id,
    )


@dataclass(frozen=True)
class RefundClaim:
    """A refund's request to take back the credits a payment bought; one per refund id."""

    wallet: str
    payment_id: str
    refund_id: str
    requested: int
    description: str

    @property
    def key(self) -> str:
        return refund_key(self.refund_id)

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            type="REFUND",
            wallet=self.wallet,
            payment_id=self.payment_id,
            refund_id=self.refund_id,
            credits=self.requested,
        )

    def refund(self, *, tx_id: str, now: datetime, clawed: int) -> LedgerTransaction:
        """REFUND: ``clawed`` of the requested credits taken back (the rest a shortfall)."""
        clawed = positive_credits(clawed, field="credits")
        return REFUND.build(
            tx_id=tx_id,
            now=now,
            wallet=self.wallet,
            credits=clawed,
            key=self.key,
            fp=self.fingerprint,
            description=self.description,
            payment_id=self.payment_id,
            refund_id=self.refund_id,
            metadata={"requested": self.requested, "shortfall": self.requested - clawed},
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
    return INITIAL_ALLOCATION.build(
        tx_id=tx_id,
        now=now,
        wallet=wallet,
        credits=amount,
        key=initial_allocation_key(wallet),
        fp=fingerprint(type="INITIAL_ALLOCATION", wallet=wallet, amount=amount),
        description=description,
        metadata=_lot(expires_at),
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
