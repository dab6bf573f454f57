"""A provider's signed webhook route whose secret is optional configuration (Clerk, GitHub).

Public (the signature on the raw body is the proof), throttled for the provider's bursts rather
than like a person (the provider retries anyway), ``403 INVALID_SIGNATURE`` for a bad signature
(nothing is stored) and ``503`` while its secret is not set (its verifier is then ``None``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from entrypoints.http.errors import ApiError
from entrypoints.http.routing import ApiRoutes, Auth, Handler

V = TypeVar("V")

PROVIDER_BURSTS = "3000/minute"


def webhook_route(
    routes: ApiRoutes, path: str, *, secret: str, refused: str, **route: Any
) -> Callable[[Handler], Handler]:
    """``POST path``: ``secret`` names the setting, ``refused`` what a 403 means for this
    provider; the rest as for ``routes.post`` (``summary``, ``raw``, more ``responses``)."""
    responses = {
        **route.pop("responses", {}),
        403: f"{refused} (INVALID_SIGNATURE); nothing is stored",
        503: f"{secret} is not configured (SERVICE_UNAVAILABLE)",
    }
    return routes.post(
        path, auth=Auth.NONE, rate_limit=PROVIDER_BURSTS, responses=responses, **route
    )


def configured(verifier: V | None, provider: str) -> V:
    """The provider's verifier; ``503 SERVICE_UNAVAILABLE`` while its secret is not set."""
    if verifier is None:
        raise ApiError("SERVICE_UNAVAILABLE", f"{provider} webhooks are not configured")
    return verifier
