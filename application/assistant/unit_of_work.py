"""The assistant context's unit of work."""

from __future__ import annotations

from typing import Protocol

from application.assistant.ports import AssistantQuota, ConversationRepository
from application.credits.unit_of_work import LedgerUnitOfWork


class AssistantUnitOfWork(LedgerUnitOfWork, Protocol):
    """Conversations, the daily quota, and the ledger (a reply's credit hold is captured or
    voided in the transaction that stores the reply)."""

    conversations: ConversationRepository
    assistant_quota: AssistantQuota
