"""Who works the support desk: ``SUPPORT_AGENT_IDS`` (token subjects) and platform admins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from application.identity.principal import Principal
from domain.identity.user import User
from domain.support.errors import NotASupportAgent


@dataclass(frozen=True)
class SupportAgents:
    agent_subjects: frozenset[str] = frozenset()
    admin_subjects: frozenset[str] = frozenset()

    @classmethod
    def of(cls, agents: Iterable[str], admins: Iterable[str] = ()) -> SupportAgents:
        return cls(frozenset(agents), frozenset(admins))

    def is_agent(self, principal: Principal) -> bool:
        return principal.is_admin or principal.subject in self.agent_subjects

    def require(self, principal: Principal) -> None:
        if not self.is_agent(principal):
            raise NotASupportAgent()

    @property
    def subjects(self) -> frozenset[str]:
        """Everyone known to work the desk by configuration (assignable, told of breaches)."""
        return self.agent_subjects | self.admin_subjects

    def may_be_assigned(self, user: User, caller: Principal) -> bool:
        return not user.is_deleted and (user.id == caller.user_id or user.subject in self.subjects)
