"""What the infrastructure's ``providers.Resource`` lifecycles release at shutdown."""

from __future__ import annotations

from dependency_injector import containers, providers

from entrypoints.containers.infrastructure import closing, releasing


class _Owner:
    def __init__(self) -> None:
        self.closed = self.disposed = 0

    async def close(self) -> None:
        self.closed += 1

    async def dispose(self) -> None:
        self.disposed += 1


class _Lifecycles(containers.DeclarativeContainer):
    owner = providers.Singleton(_Owner)
    engine_like = providers.Resource(releasing, owner, _Owner.dispose)
    session_like = providers.Resource(closing, owner)
    absent = providers.Resource(releasing, None, _Owner.dispose)
    without_close = providers.Resource(closing, object())


async def test_each_resource_is_released_once_at_shutdown_and_nothing_before() -> None:
    container = _Lifecycles()
    owner = container.owner()
    await container.init_resources()  # type: ignore[misc]
    assert (owner.closed, owner.disposed) == (0, 0)
    assert await container.absent() is None  # type: ignore[misc]

    await container.shutdown_resources()  # type: ignore[misc]

    # The named release for the engine-like owner, close() for the session-like one; an owner
    # that is not configured (None) or has no close() is left alone.
    assert (owner.closed, owner.disposed) == (1, 1)
