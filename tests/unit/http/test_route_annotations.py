"""A route's body, query and response types come from its handler's annotations (ADR 0125)."""

from __future__ import annotations

from typing import TypeVar

import pytest
from aiohttp import web
from pydantic import BaseModel

from application.pagination import Page
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery, Reply
from entrypoints.http.schemas.base import ApiInput, ApiOutput, ApiQuery, PageQuery

B = TypeVar("B", bound=BaseModel)


class NoteIn(ApiInput):
    text: str


class OtherIn(ApiInput):
    words: str


class NoteOut(ApiOutput):
    id: str


class Filter(ApiQuery):
    tag: str | None = None


class NotesQuery(PageQuery):
    tag: str | None = None


def _show(note: str) -> NoteOut:
    return NoteOut(id=note)


def test_types_are_read_from_the_call_and_the_return_annotation() -> None:
    routes = ApiRoutes(tag="test")

    @routes.post("/notes")
    async def add(call: Call[NoteIn, Filter]) -> NoteOut:
        return NoteOut(id="n1")

    @routes.get("/notes/{id}")
    async def one(call: Call[NoBody, NoQuery]) -> list[NoteOut] | web.Response:
        return [NoteOut(id="n1")]

    added, read = routes.specs
    assert (added.body, added.query, added.response) == (NoteIn, Filter, NoteOut)
    assert (read.body, read.query, read.response) == (None, None, list[NoteOut])


def test_a_given_type_that_contradicts_the_annotation_stops_the_import() -> None:
    routes = ApiRoutes(tag="test")
    with pytest.raises(TypeError, match=r"/notes: body=.*OtherIn.*annotation says.*NoteIn"):

        @routes.post("/notes", body=OtherIn)
        async def add(call: Call[NoteIn, NoQuery]) -> NoteOut:
            return NoteOut(id="n1")

    with pytest.raises(TypeError, match=r"/notes: response=.*annotation says"):

        @routes.post("/notes", response=NoteIn)
        async def add_again(call: Call[NoteIn, NoQuery]) -> NoteOut:
            return NoteOut(id="n1")


def test_a_type_variable_body_must_be_given_and_is_then_taken() -> None:
    routes = ApiRoutes(tag="test")
    with pytest.raises(TypeError, match=r"/generic: the handler's annotations name no one body"):

        @routes.post("/generic")
        async def unsaid(call: Call[B, NoQuery]) -> NoteOut:
            return NoteOut(id="n1")

    @routes.post("/generic", body=NoteIn)
    async def said(call: Call[B, NoQuery]) -> NoteOut:
        return NoteOut(id="n1")

    assert routes.specs[-1].body is NoteIn


def test_a_reply_documents_only_the_response_given() -> None:
    routes = ApiRoutes(tag="test")

    @routes.post("/replies")
    async def bare(call: Call[NoBody, NoQuery]) -> Reply:
        return Reply(None)

    @routes.post("/replies/typed", response=NoteOut)
    async def typed(call: Call[NoBody, NoQuery]) -> Reply:
        return Reply(NoteOut(id="n1"))

    assert [spec.response for spec in routes.specs] == [None, NoteOut]


def test_the_first_parameter_must_be_a_call() -> None:
    routes = ApiRoutes(tag="test")
    with pytest.raises(TypeError, match=r"/bad: a handler's first parameter is a Call"):

        @routes.get("/bad")
        async def bad(request: web.Request) -> NoteOut:
            return NoteOut(id="n1")


def test_a_page_route_answers_a_page_query_and_keeps_its_show() -> None:
    routes = ApiRoutes(tag="test")

    @routes.page("/notes", NoteOut, show=_show, headers={"Cache-Control": "no-store"})
    async def notes(call: Call[NoBody, NotesQuery]) -> Page[str]:
        return Page(items=["n1"], next_cursor=None)

    spec = routes.specs[0]
    assert (spec.method, spec.query, spec.response) == ("GET", NotesQuery, list[NoteOut])
    assert spec.paginated and spec.show is _show
    assert spec.headers == {"Cache-Control": "no-store"}

    with pytest.raises(TypeError, match=r"/filtered: a page route's query is a PageQuery"):

        @routes.page("/filtered", NoteOut, show=_show)
        async def filtered(call: Call[NoBody, Filter]) -> Page[str]:
            return Page(items=[], next_cursor=None)
