"""Factories the container uses for the payments context (gateway choice, checkout secret)."""

from __future__ import annotations

from typing import Any

from adapters.razorpay.gateway import RazorpayGateway
from adapters.razorpay.sandbox import SandboxGateway
from entrypoints.config import Settings

SANDBOX_STATE_FILE = "sandbox_gateway.json"


def payment_gateway(settings: Settings) -> Any:
    """Razorpay with keys; the in-process sandbox without keys, outside production only."""
    if settings.uses_payment_sandbox:
        # Kept under VAR_DIR: orders opened before a restart can still be paid.
        return SandboxGateway(state_file=settings.var_dir / SANDBOX_STATE_FILE)
    return RazorpayGateway(
        key_id=settings.razorpay_key_id or "",
        key_secret=settings.razorpay_key_secret or "",
        base_url=settings.razorpay_base_url,
        timeout=settings.razorpay_timeout_seconds,
    )


def sandbox_gateway() -> SandboxGateway:
    return SandboxGateway()


def checkout_key_secret(settings: Settings, gateway: Any) -> str:
    """The secret Checkout signs with: the sandbox's own, or RAZORPAY_KEY_SECRET."""
    if isinstance(gateway, SandboxGateway):
        return gateway.key_secret
    return settings.razorpay_key_secret or ""


def checkout_sandbox(settings: Settings, gateway: object) -> SandboxGateway | None:
    """The gateway behind ``/dev/checkout``: the sandbox, outside production only."""
    if settings.is_production or not isinstance(gateway, SandboxGateway):
        return None
    return gateway
