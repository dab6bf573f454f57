"""Idempotency-Key on money-moving POSTs (API.md Conventions), as a handler decorator.

    @routes.post("/api/v1/payments/create-order", status=201)
    @idempotent(status=201)
    async def create_order(call: Call[CreateOrderIn, NoQuery], create: CreateOrder) -> OrderOut:
        ...

The decorated handler runs what it names (ADR 0011) and, before them, the ``IdempotentRequests``
its context provides.

Keys are scoped per caller (the platform user id). The first response with a status below 500
is stored and replayed byte for byte with ``Idempotent-Replayed: true``; a 5xx or an unexpected
exception releases the key so the client can retry. Same key + different method/path/body, or
the first request still in flight → 409 DUPLICATE_REQUEST.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, get_type_hints

from aiohttp import web

from application.idempotency import IdempotentRequests, request_fingerprint, validate_key
from application.ports.idempotency import StoredResponse
from domain.errors import DomainError
from entrypoints.http import envelope
from entrypoints.http.errors import ApiError
from entrypoints.http.middleware import _error_response
from entrypoints.http.routing import Call, Handler, Reply

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
NOT_STORED = frozenset({401, 409, 429})  # answers about this attempt, not about the request


def idempotency_key(call: Call[Any, Any], *, required: bool) -> str | None:
    return validate_key(call.header(IDEMPOTENCY_HEADER), required=required)


def required_idempotency_key(call: Call[Any, Any]) -> str:
    """The request's Idempotency-Key; a missing or malformed one is a 400 VALIDATION_ERROR."""
    return validate_key(call.header(IDEMPOTENCY_HEADER), required=True)


def replayed(response: web.Response) -> web.Response:
    response.headers[REPLAYED_HEADER] = "true"
    return response


def idempotent(*, status: int, required: bool = True) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapped(call: Call[Any, Any], requests: IdempotentRequests, *runs: object) -> Any:
            key = idempotency_key(call, required=required)
            if key is None:
                return await handler(call, *runs)
            scope = call.user.user_id
            fingerprint = request_fingerprint(call.request.method, call.request.path, call.raw_body)
            stored = await requests.begin(scope=scope, key=key, fingerprint=fingerprint)
            if stored is not None:
                return replayed(
                    web.Response(
                        body=stored.body, status=stored.status, content_type=stored.content_type
                    )
                )
            try:
                response = _render(await handler(call, *runs), status)
            except (DomainError, ApiError) as exc:
                response = _error_response(call.request, exc)
            except BaseException:
                await requests.abandon(scope=scope, key=key)
                raise
            if response.status >= 500 or response.status in NOT_STORED:
                await requests.abandon(scope=scope, key=key)
            else:
                body = response.body if isinstance(response.body, bytes) else b""
                await requests.finish(
                    scope=scope,
                    key=key,
                    response=StoredResponse(response.status, body, response.content_type),
                )
            return response

        # What the app resolves (ADR 0011): the handler's parameters, the requests after ``call``.
        call_parameter, *handler_runs = inspect.signature(handler).parameters.values()
        needs = inspect.Parameter("requests", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        wrapped.__signature__ = inspect.signature(handler).replace(  # type: ignore[attr-defined]
            parameters=[call_parameter, needs, *handler_runs]
        )
        wrapped.__annotations__ = {**get_type_hints(handler), "requests": IdempotentRequests}
        document_key(wrapped, required=required)
        return wrapped

    return decorate


def document_key(handler: Handler, *, required: bool) -> Handler:
    """Mark ``handler`` as taking an Idempotency-Key (the OpenAPI document lists the header)."""
    handler.idempotency_key = "required" if required else "optional"  # type: ignore[attr-defined]
    return handler


def _render(result: Any, status: int) -> web.Response:
    if isinstance(result, web.Response):
        return result
    if isinstance(result, Reply):
        return envelope.success(
            result.data, status=result.status or status, meta=result.meta, headers=result.headers
        )
    return envelope.success(result, status=status)
