"""Errors declare how they are answered, once, on their class; each context has a root error.

The statuses are API.md's code table: a cause answers its code's status unless it is listed in
``OTHER_STATUS`` (a documented exception such as the 400 of a bad checkout signature).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections import defaultdict
from pathlib import Path

import pytest

from domain.errors import DomainError

ROOT = Path(__file__).resolve().parents[3]
LAYERS = ("domain", "application", "adapters", "entrypoints")

# API.md "Error codes"
STATUS_BY_CODE = {
    "AUTH_REQUIRED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "VALIDATION_ERROR": 400,
    "PAYMENT_FAILED": 402,
    "INSUFFICIENT_CREDITS": 402,
    "DUPLICATE_REQUEST": 409,
    "CONFLICT": 409,
    "ALREADY_CLAIMED": 409,
    "GONE": 410,
    "INVALID_SIGNATURE": 403,
    "PAYMENTS_DISABLED": 403,
    "PHONE_VERIFICATION_REQUIRED": 403,
    "RATE_LIMITED": 429,
    "SERVICE_UNAVAILABLE": 503,
    "INTERNAL_ERROR": 500,
    # API.md "AI assistant"
    "AI_DISABLED": 503,
    "AI_UNAVAILABLE": 503,
    "AI_BLOCKED": 422,
    "GENERATION_IN_PROGRESS": 409,
    # API.md "Account security and lifecycle"
    "ACCOUNT_DELETED": 403,
    "VERIFICATION_REQUIRED": 403,
}
OTHER_STATUS = {"InvalidPaymentSignature": 400, "AmountMismatch": 400}
CONTEXT_ROOTS = {
    "access": "AccessError",
    "account": "AccountError",
    "assistant": "AssistantError",
    "credits": "CreditsError",
    "free_credits": "FreeCreditsError",
    "identity": "IdentityError",
    "invitations": "InvitationError",
    "payments": "PaymentError",
    "realtime": "RealtimeError",
}


def _import_everything() -> None:
    for layer in ("domain", "application"):
        package = importlib.import_module(layer)
        for module in pkgutil.walk_packages(package.__path__, f"{layer}."):
            importlib.import_module(module.name)
    importlib.import_module("adapters.clerk.webhook_signature")


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


_import_everything()
ERRORS = sorted(
    (c for c in _all_subclasses(DomainError) if c.__module__.split(".")[0] in LAYERS),
    key=lambda c: c.__qualname__,
)


@pytest.mark.parametrize("error", ERRORS, ids=lambda c: c.__name__)
def test_the_status_is_the_codes_status(error: type[DomainError]) -> None:
    if error.code == "DOMAIN_ERROR":  # an abstract root: never raised as such
        return
    assert error.status == OTHER_STATUS.get(error.__name__, STATUS_BY_CODE[error.code])


@pytest.mark.parametrize("error", ERRORS, ids=lambda c: c.__name__)
def test_a_context_error_derives_from_its_contexts_root(error: type[DomainError]) -> None:
    context = next((c for c in CONTEXT_ROOTS if f".{c}." in f"{error.__module__}."), None)
    if context is None:  # the kinds (domain/errors.py) and cross-cutting ones (StorageBusy)
        return
    assert CONTEXT_ROOTS[context] in {base.__name__ for base in error.__mro__}


def test_class_names_are_unique_across_packages() -> None:
    where: dict[str, list[str]] = defaultdict(list)
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.ClassDef):
                    where[node.name].append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in where.items() if len(paths) > 1} == {}
