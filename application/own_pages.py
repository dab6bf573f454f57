"""The caller's own things, a page at a time: one repository read in one transaction.

A listing of what belongs to the signed-in user (``ListMyTickets``, ``ListConversations``,
``ListMyOrganizations``…) is its own named use case — routes and containers find it by its
type — that says only which unit of work it reads and which repository call pages a user's
things::

    class ListMyTickets(ListOwn[SupportUnitOfWork, SupportTicket]):
        async def _page(
            self, uow: SupportUnitOfWork, user_id: str, page: PageRequest
        ) -> Page[SupportTicket]:
            return await uow.support_tickets.list_for_requester(user_id, page)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

U = TypeVar("U", bound=UnitOfWork)
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class ListOwn(Generic[U, T]):
    """A page of the caller's ``T``s, read through a unit of work of shape ``U``."""

    uow: UnitOfWorkFactory[U]

    async def __call__(self, caller: Principal, page: PageRequest) -> Page[T]:
        async with self.uow() as uow:
            return await self._page(uow, caller.user_id, page)

    async def _page(self, uow: U, user_id: str, page: PageRequest) -> Page[T]:
        raise NotImplementedError
