"""Request and response models of /account-settings."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from entrypoints.http.schemas.base import ApiInput, ApiOutput, ApiQuery, UtcTime


class StepUpCodeSentOut(ApiOutput):
    sent: bool
    expires_at: UtcTime


class VerifyCodeIn(ApiInput):
    otp: str = Field(min_length=1, max_length=12)


class VerificationOut(ApiOutput):
    verification_token: str
    expires_in: int
    expires_at: UtcTime


class VerificationStatusOut(ApiOutput):
    verified: bool
    expires_at: UtcTime | None


class ActivityOut(ApiOutput):
    id: str
    action: str
    level: str
    metadata: dict[str, Any]
    ip: str | None
    user_agent: str | None
    created_at: UtcTime


class ExportOut(ApiOutput):
    id: str
    status: str
    requested_at: UtcTime


class ExportLinkQuery(ApiQuery):
    expires: int = Field(ge=0, le=2**40)
    signature: str = Field(min_length=1, max_length=128)


class DeletedAccountOut(ApiOutput):
    deleted: bool
    recover_by: UtcTime


class RecoveredOut(ApiOutput):
    recovered: bool
    user_id: str
