"""Declarative routes: one decorator gives validation, auth, rate limits, envelope and OpenAPI.

    routes = ApiRoutes(tag="profile")

    @routes.put("/api/v1/profile", auth=Auth.REQUIRED)
    async def update_profile(call: Call[ProfileIn, NoQuery], update: UpdateProfile) -> ProfileOut:
        return profile_out(await update(call.user, ...))

The handler's annotations say once what a route takes and answers: ``Call[ProfileIn, NoQuery]``
is validated as its body and query (``NoBody``/``NoQuery``: none), its return type is the
response documented (a model or a list of models; a raw ``web.Response``: none). ``body=``,
``query=`` and ``response=`` are given only where the annotations cannot say it: a handler
written for several bodies (a type variable or a union), one answering a ``Reply``. A given one
that contradicts the annotation stops the import.

A handler's parameters after ``call`` are what it runs, named by their type (ADR 0011): the app
resolves each once, at start-up, to the provider of that type in the handler's context container
(or the one provider of it in any other) and calls it per request — a use case's ``Factory``
builds a fresh one, a ``Singleton`` gives the one. A type nobody provides, or two providers of it,
fails the app's start. A handler written once for several kinds (the scope routes) names the types
its type-variable parameters stand for with ``runs=``.

Handlers never see the container. The handler gets a ``Call`` (validated body and query, path
params, principal) and returns a model/plain data (wrapped as ``{"success": true, "data": …}``
with the route's status) or a ``Reply`` for a different status, ``meta`` or headers. A page
route, ``routes.page(path, ItemOut, show=item_out)``, returns the use case's ``Page``: each item
shown, ``meta`` its limit and cursor. ``headers=`` names headers every answer of a route carries.
``raw=True`` routes (webhooks, HTML pages) get the Call too and return an
``aiohttp.web.Response`` themselves.
"""

from __future__ import annotations

import enum
import inspect
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import GenericAlias, UnionType
from typing import Any, Generic, TypeGuard, TypeVar, get_args, get_origin, get_type_hints, overload

import pydantic_core
from aiohttp import web
from pydantic import BaseModel, TypeAdapter, ValidationError

from application.identity.principal import Principal
from application.pagination import Page
from domain.errors import AuthenticationFailed, Forbidden
from domain.request_context import RequestContext
from entrypoints.http import envelope
from entrypoints.http.errors import ApiError
from entrypoints.http.request_state import CLIENT_IP, MAX_BODY, request_id_of
from entrypoints.http.schemas.base import PageQuery

B = TypeVar("B", bound=BaseModel)
Q = TypeVar("Q", bound=BaseModel)
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


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


def page_reply(
    page: Page[T],
    limit: int,
    show: Callable[[T], Any],
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """The reply of a ``paginated=True`` route: each item shown; ``meta`` the limit and cursor."""
    return Reply(
        [show(item) for item in page.items],
        meta={"limit": limit, "nextCursor": page.next_cursor},
        headers=headers,
    )


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


# A handler: ``async (call, *what_it_runs)``, each parameter after ``call`` named by its type.
Handler = Callable[..., Awaitable[Any]]


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
    # The operation's name where one handler is written for several (``<module>_<handler>``
    # otherwise): the routes a generator adds per scope kind keep the names they always had.
    name: str | None = None
    # The types of parameters annotated with a type variable (a handler written for several).
    runs: Mapping[str, Any] = field(default_factory=dict)
    # A page route whose handler returns the ``Page``: how each item is shown (``page_reply``).
    show: Callable[[Any], Any] | None = None
    # Headers every answer of the route carries (``Cache-Control: no-store`` on balances).
    headers: Mapping[str, str] = field(default_factory=dict)

    def dependencies(self) -> list[tuple[str, Any]]:
        """The handler's parameters after ``call``, each with the type it is resolved by."""
        hints = get_type_hints(self.handler)
        wanted = []
        for name in list(inspect.signature(self.handler).parameters)[1:]:
            annotation = self.runs.get(name, hints.get(name))
            if annotation is None or isinstance(annotation, TypeVar):
                raise TypeError(f"{self.path}: the handler's {name} needs a type (or runs=)")
            wanted.append((name, annotation))
        return wanted


class _Unsaid(LookupError):
    """The annotation names no one model (a type variable, a union)."""


def _model_named(argument: object, nothing: type[BaseModel]) -> type[BaseModel] | None:
    """The model a ``Call[Body, Query]`` type argument names (``NoBody``/``NoQuery``: none)."""
    if argument is nothing:
        return None
    if _is_model(argument):
        return argument
    raise _Unsaid(argument)


def _answer_named(annotation: object) -> Any:
    """The response a return annotation names: its one model or list of models, beside which a
    raw ``web.Response`` (a replayed answer) adds nothing; none for anything else (a ``Reply``,
    a raw response alone)."""
    members = get_args(annotation) if isinstance(annotation, UnionType) else (annotation,)
    answers = [m for m in members if _is_model(get_args(m)[0] if get_origin(m) is list else m)]
    return answers[0] if len(answers) == 1 else None


def _is_model(annotation: object) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _settle(path: str, what: str, given: Any, named: Callable[[], Any]) -> Any:
    """``given`` where the route says it, else what the handler's annotation names; both: they
    must agree."""
    try:
        found = named()
    except _Unsaid as unsaid:
        if given is None:
            message = f"{path}: the handler's annotations name no one {what}: give {what}="
            raise TypeError(message) from unsaid
        return given
    if given is None:
        return found
    if found is not None and given != found:
        raise TypeError(f"{path}: {what}={given!r}, but the handler's annotation says {found!r}")
    return given


class ApiRoutes:
    """A route module's routes (its context container names it in its ``http``)."""

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
        name: str | None = None,
        runs: Mapping[str, Any] | None = None,
        show: Callable[[Any], Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            hints = get_type_hints(handler)
            call = hints.get(next(iter(inspect.signature(handler).parameters)))
            if get_origin(call) is not Call:
                raise TypeError(f"{path}: a handler's first parameter is a Call[Body, Query]")
            body_type, query_type = get_args(call)
            query_model = _settle(path, "query", query, lambda: _model_named(query_type, NoQuery))
            if paginated and not (query_model and issubclass(query_model, PageQuery)):
                raise TypeError(f"{path}: a page route's query is a PageQuery")
            self.specs.append(
                RouteSpec(
                    method=method,
                    path=path,
                    handler=handler,
                    summary=summary or (handler.__doc__ or handler.__name__).strip().split("\n")[0],
                    tag=self.tag,
                    auth=auth,
                    body=_settle(path, "body", body, lambda: _model_named(body_type, NoBody)),
                    query=query_model,
                    response=_settle(
                        path, "response", response, lambda: _answer_named(hints.get("return"))
                    ),
                    status=status,
                    paginated=paginated,
                    rate_limit=rate_limit,
                    raw=raw,
                    extra_responses=dict(responses or {}),
                    include_in_schema=include_in_schema,
                    name=name,
                    runs=dict(runs or {}),
                    show=show,
                    headers=dict(headers or {}),
                )
            )
            return handler

        return decorate

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kw)

    @overload
    def page(
        self, path: str, item: type[M], *, show: Callable[[T], M], **kw: Any
    ) -> Callable[[Callable[..., Awaitable[Page[T]]]], Handler]: ...

    @overload
    def page(
        self, path: str, item: type, *, show: None = None, **kw: Any
    ) -> Callable[[Handler], Handler]: ...

    def page(
        self, path: str, item: type, *, show: Callable[[Any], Any] | None = None, **kw: Any
    ) -> Callable[[Handler], Handler]:
        """A ``GET`` answering one page of ``item``s, its query a ``PageQuery``: its handler
        returns the use case's ``Page`` (each item shown by ``show``), or a ``page_reply``."""
        return self.route(
            "GET", path, response=GenericAlias(list, item), paginated=True, show=show, **kw
        )

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


def validation_error(error: ValidationError, where: str) -> ApiError:
    return ApiError("VALIDATION_ERROR", f"Invalid {where}", details=validation_details(error))


async def _read_body(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > request.app[MAX_BODY]:
        raise ApiError("PAYLOAD_TOO_LARGE", "Request body is too large")
    return await request.read()


# Signed 64-bit: the widest integer column (BIGINT) and what orjson and jsonb consumers take.
MIN_INTEGER, MAX_INTEGER = -(2**63), 2**63 - 1
NUL = "NUL characters are not allowed"
NOT_FINITE = "numbers must be finite (no NaN, Infinity or overflowing exponents)"
TOO_BIG = f"integers must lie within {MIN_INTEGER}..{MAX_INTEGER}"


def _unstorable_fields(value: Any, path: str) -> list[tuple[str, str]]:
    """Where a decoded value holds what neither database stores alike: NUL characters (PostgreSQL
    text refuses them), NaN/Infinity (jsonb refuses them, SQLite keeps them) and integers beyond
    64 bits (BIGINT and orjson refuse them). The JSON parser accepts all three."""
    if isinstance(value, str):
        return [(path, NUL)] if "\x00" in value else []
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [] if MIN_INTEGER <= value <= MAX_INTEGER else [(path, TOO_BIG)]
    if isinstance(value, float):
        return [] if math.isfinite(value) else [(path, NOT_FINITE)]
    if isinstance(value, Mapping):
        found = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [(where, NUL)] if "\x00" in str(key) else _unstorable_fields(item, where)
        return found
    if isinstance(value, list | tuple | set | frozenset):
        return [f for i, item in enumerate(value) for f in _unstorable_fields(item, f"{path}.{i}")]
    return []


def _refuse_unstorable(value: Any, where: str) -> None:
    fields = _unstorable_fields(value, "")
    if fields:
        raise ApiError(
            "VALIDATION_ERROR",
            f"Invalid {where}",
            details=[{"field": f or where, "message": message} for f, message in fields],
        )


def _parse_query(spec: RouteSpec, request: web.Request) -> BaseModel:
    if spec.query is None:
        return NoQuery()
    _refuse_unstorable(dict(request.query), "query parameters")
    try:
        return spec.query.model_validate(dict(request.query))
    except ValidationError as exc:
        raise validation_error(exc, "query parameters") from exc


def _parse_body(spec: RouteSpec, raw: bytes, request: web.Request) -> BaseModel:
    if spec.body is None:
        return NoBody()
    if request.content_type not in ("application/json", "application/octet-stream", ""):
        raise ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json")
    try:
        document = pydantic_core.from_json(raw or b"")
    except ValueError:
        document = None  # not JSON: model validation below says so in the usual words
    # Before validation: a validator must never meet a value the JSON parser should not have let
    # through (orjson raised TypeError on big integers in SpendIn.metadata: a 500).
    _refuse_unstorable(document, "request body")
    try:
        return spec.body.model_validate_json(raw or b"", strict=True)
    except ValidationError as exc:
        raise validation_error(exc, "request body") from exc


# Methods that change state: their requests must not be ones a browser sends cross-site without
# a CORS preflight (ADR 0009).
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refuse_non_json(request: web.Request, *, even_without_body: bool = False) -> None:
    """415 unless a state-changing request's body is declared ``application/json``.

    A cross-site form or ``no-cors`` fetch can only send a "simple" content type (form, text,
    multipart) or none, and carries the session cookie without asking CORS first; declaring
    ``application/json`` forces the preflight that ``CORS_ORIGINS`` answers (ADR 0009).
    ``even_without_body``: the caller authenticates with the session cookie, which rides along
    with a bodyless simple POST too.
    """
    if request.method not in STATE_CHANGING_METHODS:
        return
    if not (even_without_body or request.body_exists):
        return
    # aiohttp reports a missing Content-Type as application/octet-stream: read the header
    if "Content-Type" not in request.headers or request.content_type != "application/json":
        raise ApiError(
            "UNSUPPORTED_MEDIA_TYPE",
            "Send the request as application/json (Content-Type: application/json)",
        )


def response_check(spec: RouteSpec) -> Callable[[Any], None]:
    """``VALIDATE_RESPONSES`` (on in the test suite, off in production, where the handler's model
    is serialised once and not validated again): the JSON a handler's result becomes must
    validate as the route's declared response type, else the request fails as a bug (500, the
    reasons logged by field)."""
    if spec.response is None or spec.raw:
        return lambda data: None
    adapter: TypeAdapter[Any] = TypeAdapter(spec.response)

    def check(data: Any) -> None:
        adapter.validate_json(envelope.dump(data))

    return check


def build_handler(
    spec: RouteSpec,
    runs: Sequence[Callable[[], object]],
    authenticate: Callable[[web.Request, Auth], Awaitable[Principal | None]],
    limit: Callable[[web.Request, RouteSpec, Principal | None], Awaitable[dict[str, str]]],
    *,
    validate_responses: bool = False,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The aiohttp handler of ``spec``; ``runs`` gives its handler's parameters after ``call``
    (in order), each called per request."""
    check = response_check(spec) if validate_responses else None

    async def handle(request: web.Request) -> web.StreamResponse:
        principal = await authenticate(request, spec.auth)
        if spec.auth is Auth.ADMIN and (principal is None or not principal.is_admin):
            raise Forbidden("Platform administrators only")
        limit_headers = await limit(request, spec, principal)
        if spec.headers:
            limit_headers = {**limit_headers, **spec.headers}
        if request.match_info:  # most routes have no path parameters
            _refuse_unstorable(dict(request.match_info), "path parameters")
        if not spec.raw:  # raw routes (webhooks, pages) take their providers' bodies as sent
            refuse_non_json(request)
        raw = await _read_body(request) if request.can_read_body else b""
        query = _parse_query(spec, request)
        body = NoBody() if spec.raw else _parse_body(spec, raw, request)
        call = Call(request, body, query, principal, raw)
        result = await spec.handler(call, *[provide() for provide in runs])
        if spec.show is not None and isinstance(result, Page) and isinstance(query, PageQuery):
            result = page_reply(result, query.limit, spec.show)
        if isinstance(result, web.StreamResponse):
            response = result
        elif isinstance(result, Reply):
            if check is not None:
                check(result.data)
            headers = {**limit_headers, **(result.headers or {})}
            response = envelope.success(
                result.data, status=result.status or spec.status, meta=result.meta, headers=headers
            )
        else:
            if check is not None:
                check(result)
            response = envelope.success(result, status=spec.status, headers=limit_headers)
        return response

    handle.__name__ = spec.handler.__name__
    return handle
