"""Request/response models of the credits routes (API.md "Credits")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

import orjson
from pydantic import (
    AwareDatetime,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

from domain.credits.amounts import MAX_CREDITS_PER_MOVEMENT
from domain.credits.entry_types import EntryType
from entrypoints.http.schemas.base import ApiInput, ApiOutput, PageQuery, UtcTime

MAX_METADATA_BYTES = 2048
Credits = Annotated[int, Field(ge=1, le=MAX_CREDITS_PER_MOVEMENT)]


class BalanceOut(ApiOutput):
    balance: int
    held: int
    available: int


class ExpiringOut(ApiOutput):
    amount: int
    expires_at: UtcTime


class WalletBalanceOut(BalanceOut):
    expiring: list[ExpiringOut]  # the next 3 promotional lots to expire, first first


class HistoryQuery(PageQuery):
    type: EntryType | None = None


class HistoryEntryOut(ApiOutput):
    id: str
    type: EntryType
    amount: int
    balance_after: int
    description: str
    payment_id: str | None = None
    created_at: UtcTime


class SpendIn(ApiInput):
    amount: Credits
    purpose: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    metadata: dict[str, object] | None = None

    @field_validator("metadata")
    @classmethod
    def _small_metadata(cls, value: dict[str, object] | None) -> dict[str, object] | None:
        if value is not None and len(orjson.dumps(value)) > MAX_METADATA_BYTES:
            raise ValueError(f"at most {MAX_METADATA_BYTES} bytes of JSON")
        return value


class SpendOut(ApiOutput):
    transaction_id: str
    balance: int


class GrantIn(ApiInput):
    user_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    amount: Annotated[int, Field(ge=-MAX_CREDITS_PER_MOVEMENT, le=MAX_CREDITS_PER_MOVEMENT)]
    type: Literal["BONUS", "ADJUSTMENT"]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("must not be zero")
        return value


class GrantOut(ApiOutput):
    user_id: str
    transaction_id: str
    amount: int
    balance: int


Note = Annotated[str, StringConstraints(max_length=200)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class MemberRecipient(ApiInput):
    user_id: Ref


@dataclass(frozen=True)
class ToUser:
    user_id: str


@dataclass(frozen=True)
class ToOrganization:
    organization_ref: str


class TransferRecipient(ApiInput):
    """``{userId}`` or ``{organizationId}``, exactly one; ``receiver`` is the one given."""

    user_id: Ref | None = None
    organization_id: Ref | None = None
    _receiver: ToUser | ToOrganization = PrivateAttr()

    @model_validator(mode="after")
    def _exactly_one(self) -> TransferRecipient:
        if self.user_id is not None and self.organization_id is None:
            self._receiver = ToUser(self.user_id)
        elif self.organization_id is not None and self.user_id is None:
            self._receiver = ToOrganization(self.organization_id)
        else:
            raise ValueError("give exactly one of userId and organizationId")
        return self

    @property
    def receiver(self) -> ToUser | ToOrganization:
        return self._receiver


class TransferIn(ApiInput):
    to: TransferRecipient
    amount: Credits
    note: Note = ""


class OrganizationTransferIn(ApiInput):
    to: MemberRecipient
    amount: Credits
    note: Note = ""


class ReferralOut(ApiOutput):
    code: str
    link: str
    referred_count: int
    rewards_earned: int


class ReferralClaimIn(ApiInput):
    code: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class ReferralClaimOut(ApiOutput):
    code: str
    claimed_at: UtcTime


class RedeemIn(ApiInput):
    code: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class RedeemOut(ApiOutput):
    credits_added: int
    balance: int
    transaction_id: str


class CouponIn(ApiInput):
    code: (
        Annotated[str, StringConstraints(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
        | None
    ) = None
    credits: Credits
    max_redemptions: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    one_per_user: bool = True
    expires_at: AwareDatetime | None = None


class CouponOut(ApiOutput):
    id: str
    code: str  # shown once: only a keyed digest is stored
    credits: int
    max_redemptions: int | None
    one_per_user: bool
    expires_at: UtcTime | None
    created_at: UtcTime
