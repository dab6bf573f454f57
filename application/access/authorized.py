"""The shape of a use case that runs in one transaction and asks the authorizer first."""

from __future__ import annotations

from typing import Generic, TypeVar

from application.access.authorizer import Authorizer
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

U = TypeVar("U", bound=UnitOfWork)


class AuthorizedUseCase(Generic[U]):
    """Opens a ``U`` per call, reads the clock once, authorizes before it changes anything."""

    def __init__(self, uow: UnitOfWorkFactory[U], clock: Clock, authorizer: Authorizer):
        self._uow = uow
        self._clock = clock
        self._authorizer = authorizer
