"""Which errors the storage adapters translate into 503 StorageUnavailable, and which stay 500."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import exc as sa_exc

from adapters.sqlalchemy.connectivity import is_outage, unavailable_on_outage
from application.transient import StorageUnavailable


def wrapped(orig: BaseException, *, invalidated: bool = False) -> sa_exc.DBAPIError:
    return sa_exc.DBAPIError("SELECT 1", None, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.exceptions.TooManyConnectionsError("too many clients"),
        asyncpg.InterfaceError("connection is closed"),
        sa_exc.TimeoutError("QueuePool limit reached"),
        wrapped(asyncpg.exceptions.AdminShutdownError("x")),
        wrapped(Exception("anything"), invalidated=True),
        wrapped(ConnectionResetError(104, "reset")),
    ],
)
def test_outages(error: BaseException) -> None:
    assert is_outage(error)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        wrapped(asyncpg.exceptions.UndefinedColumnError("no such column")),
        OSError("a file, not the database"),
        ValueError("a bug"),
    ],
)
def test_not_outages(error: BaseException) -> None:
    assert not is_outage(error)


def test_a_socket_error_while_connecting_is_an_outage() -> None:
    assert is_outage(ConnectionRefusedError(111, "refused"), connecting=True)


async def test_the_boundary_raises_503_with_retry_after() -> None:
    with pytest.raises(StorageUnavailable) as raised:
        async with unavailable_on_outage():
            raise asyncpg.exceptions.AdminShutdownError("terminating connection")
    assert raised.value.status == 503
    assert raised.value.code == "SERVICE_UNAVAILABLE"
    assert raised.value.headers()["Retry-After"] == "2"
    with pytest.raises(ValueError, match="a bug"):
        async with unavailable_on_outage():
            raise ValueError("a bug")
