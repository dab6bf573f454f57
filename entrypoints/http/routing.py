"""Declarative routes: one decorator gives validation, auth, rate limits, envelope and OpenAPI.

    routes = ApiRoutes(tag="profile")

    @routes.put("/api/v1/profile", body=ProfileIn, response=ProfileOut, auth=Auth.REQUIRED)
    async def update_profile(call: Call[ProfileIn, NoQuery]) -> ProfileOut: ...

The handler gets a ``Call`` (validated body and query, path params, principal, container) and
returns a model/plain data (wrapped as ``{"success": true, "data": …}`` with the route's status) or
a ``Reply`` for a different status, ``meta`` or headers. ``raw=True`` routes (webhooks, HTML pages)
get the Call too and return an ``aiohttp.web.Response`` themselves.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from application.identity.principal import Principal
from domain.errors import AuthenticationFailed, Forbidden
from domain.request_context import RequestContext
from entrypoints.http import envelope
from entrypoints.http.errors import ApiError
from entrypoints.http.request_state import CLIENT_IP, CONTAINER, MAX_BODY, request_id_of

B = TypeVar("B", bound=BaseModel)
Q = TypeVar("Q", bound=BaseModel)


class Auth(enum.Enum):
    NONE = "none"  # public; the token is ignored
    OPTIONAL = "optional"  # used when present (a bad token is still a 401)
    REQUIRED = "required"
    ADMIN = "admin"  # signed in and a platform admin


class NoBody(BaseModel):
    pass


class NoQuery(BaseModel):
    pass


@dataclass(frozen=True)
class Reply:
    data: Any
    status: int | None = None
    meta: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None


@dataclass
class Call(Generic[B, Q]):
    request: web.Request
    body: B
    query: Q
    principal: Principal | None
    raw_body: bytes

    @property
    def path(self) -> Mapping[str, str]:
        return self.request.match_info

    @property
    def container(self) -> Any:
        return self.request.app[CONTAINER]

    @property
    def user(self) -> Principal:
        if self.principal is None:  # only reachable on routes declared with Auth.NONE/OPTIONAL
            raise AuthenticationFailed("Authentication required")
        return self.principal

    @property
    def context(self) -> RequestContext:
        return RequestContext(
            request_id=request_id_of(self.request),
            ip=self.request[CLIENT_IP],
            user_agent=self.request.headers.get("User-Agent"),
        )

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name)


Handler = Callable[[Call[Any, Any]], Awaitable[Any]]


@dataclass
class RouteSpec:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    auth: Auth
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    paginated: bool
    rate_limit: str | None
    raw: bool
    content_types: tuple[str, ...] = ("application/json",)
    extra_responses: dict[int, str] = field(default_factory=dict)
    include_in_schema: bool = True


class ApiRoutes:
    def __init__(self, tag: str):
        self.tag = tag
        self.specs: list[RouteSpec] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str = "",
        auth: Auth = Auth.REQUIRED,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        paginated: bool = False,
        rate_limit: str | None = None,
        raw: bool = False,
        responses: dict[int, str] | None = None,
        include_in_schema: bool = True,
    ) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.specs.append(
                RouteSpec(
                    method=method,
                    path=path,
                    handler=handler,
                    summary=summary or (handler.__doc__ or handler.__name__).strip().split("\n")[0],
                    tag=self.tag,
                    auth=auth,
                    body=body,
                    query=query,
                    response=response,
                    status=status,
                    paginated=paginated,
                    rate_limit=rate_limit,
                    raw=raw,
                    extra_responses=dict(responses or {}),
                    include_in_schema=include_in_schema,
                )
            )
            return handler

        return decorate

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **kw)


def validation_details(error: ValidationError) -> list[dict[str, str]]:
    details = []
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        loc = ".".join(str(part) for part in item["loc"]) or "body"
        details.append({"field": loc, "message": item["msg"]})
    return details


def _validation_error(error: ValidationError, where: str) -> ApiError:
    return ApiError("VALIDATION_ERROR", f"Invalid {where}", details=validation_details(error))


async def _read_body(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > request.app[MAX_BODY]:
        raise ApiError("PAYLOAD_TOO_LARGE", "Request body is too large")
    return await request.read()


def _nul_fields(value: Any, path: str) -> list[str]:
    """Where NUL characters hide in a decoded value (PostgreSQL text cannot store them)."""
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, Mapping):
        found = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [where] if "\x00" in str(key) else _nul_fields(item, where)
        return found
    if isinstance(value, list | tuple | set | frozenset):
        return [f for i, item in enumerate(value) for f in _nul_fields(item, f"{path}.{i}")]
    return []


def _refuse_nul(value: Any, where: str) -> None:
    fields = _nul_fields(value, "")
    if fields:
        raise ApiError(
            "VALIDATION_ERROR",
            f"Invalid {where}",
            details=[
                {"field": f or where, "message": "NUL characters are not allowed"} for f in fields
            ],
        )


def _parse_query(spec: RouteSpec, request: web.Request) -> BaseModel:
    if spec.query is None:
        return NoQuery()
    _refuse_nul(dict(request.query), "query parameters")
    try:
        return spec.query.model_validate(dict(request.query))
    except ValidationError as exc:
        raise _validation_error(exc, "query parameters") from exc


def _parse_body(spec: RouteSpec, raw: bytes, request: web.Request) -> BaseModel:
    if spec.body is None:
        return NoBody()
    if request.content_type not in ("application/json", "application/octet-stream", ""):
        raise ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json")
    try:
        body = spec.body.model_validate_json(raw or b"", strict=True)
    except ValidationError as exc:
        raise _validation_error(exc, "request body") from exc
    _refuse_nul(body.model_dump(by_alias=True), "request body")
    return body


def build_handler(
    spec: RouteSpec,
    authenticate: Callable[[web.Request, Auth], Awaitable[Principal | None]],
    limit: Callable[[web.Request, RouteSpec, Principal | None], Awaitable[dict[str, str]]],
) -> Callable[..., Any]:
    async def handle(request: web.Request) -> web.StreamResponse:
        principal = await authenticate(request, spec.auth)
        if spec.auth is Auth.ADMIN and (principal is None or not principal.is_admin):
            raise Forbidden("Platform administrators only")
        limit_headers = await limit(request, spec, principal)
        _refuse_nul(dict(request.match_info), "path parameters")
        raw = await _read_body(request) if request.can_read_body else b""
        query = _parse_query(spec, request)
        body = NoBody() if spec.raw else _parse_body(spec, raw, request)
        result = await spec.handler(Call(request, body, query, principal, raw))
        if isinstance(result, web.StreamResponse):
            response = result
        elif isinstance(result, Reply):
            headers = {**limit_headers, **(result.headers or {})}
            response = envelope.success(
                result.data, status=result.status or spec.status, meta=result.meta, headers=headers
            )
        else:
            response = envelope.success(result, status=spec.status, headers=limit_headers)
        return response

    handle.__name__ = spec.handler.__name__
    return handle
