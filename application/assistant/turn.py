"""One message to the assistant: validate → guard → quota (or a credit hold) → model ↔ tools →
events → store → capture or void → announce.

``StartTurn`` does everything that may refuse the request (so the refusal is a plain HTTP
error) and returns a ``Turn`` whose ``run`` streams the reply; ``Generations`` runs it as a task
that a stop (or the client leaving) cancels. Nothing is held open while the model talks: the
quota is taken and the hold placed in their own committed transactions, and the turn's messages
are written in one transaction at its end, with the hold's capture or void.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from application.assistant.conversations import own_conversation
from application.assistant.events import (
    Chunk,
    Completed,
    Connected,
    ToolStatus,
    TurnFailed,
)
from application.assistant.generations import Emit, Generations, TurnEvents
from application.assistant.policy import AssistantPolicy
from application.assistant.ports import (
    Content,
    LanguageModel,
    ModelReply,
    ModelRequest,
    TextDelta,
)
from application.assistant.toolbox import Toolbox, ToolCaller
from application.assistant.unit_of_work import AssistantUnitOfWork
from application.credits.ledger_service import CreditsLedger
from application.identity.principal import Principal
from application.ports.clock import Clock
from application.ports.outbox_commands import PublishRealtime
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.assistant.conversation import (
    Conversation,
    Message,
    MessageRole,
    MessageStatus,
    Part,
    check_message,
    clean_title,
    fallback_title,
    history_window,
)
from domain.assistant.cost import Usage, credits_for
from domain.assistant.errors import (
    ModelFailure,
    ModelUnavailable,
    QuotaExhausted,
)
from domain.assistant.guard import REFUSAL, is_injection
from domain.assistant.help_topics import SYSTEM_INSTRUCTION
from domain.assistant.quota import quota_day, quota_reset
from domain.assistant.tools import MAX_TOOL_ROUNDS
from domain.errors import DomainError
from domain.ids import new_id
from domain.realtime.events import AI_MESSAGE_COMPLETED

log = logging.getLogger(__name__)

TITLE_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "properties": {"title": {"type": "string", "description": "3 to 8 words"}},
    "required": ["title"],
}


@dataclass(frozen=True)
class TurnRequest:
    principal: Principal
    message: str
    conversation_id: str | None = None
    page_context: Mapping[str, Any] | None = None
    debug_info: Mapping[str, Any] | None = None
    use_credits: bool = False


@dataclass(frozen=True)
class Admission:
    """How the message is paid for: a free slot of the day, or a credit hold."""

    day: Any  # date
    free: bool
    hold_id: str | None = None
    hold_amount: int = 0


@dataclass
class TurnState:
    """What the turn produced so far (what a stop or a failure stores)."""

    messages: list[Message] = field(default_factory=list)
    partial: str = ""  # visible text of the model round in progress
    usage: Usage = field(default_factory=Usage)
    output: bool = False  # any text reached the client


@dataclass(eq=False)
class Turn:
    start: StartTurn
    request: TurnRequest
    conversation: Conversation
    created: bool
    history: list[Message]
    admission: Admission | None
    reply_id: str
    # A new conversation's title, asked of the model alongside the reply.
    _title: asyncio.Future[str | None] | None = field(default=None, init=False)
    _title_stored: bool = field(default=False, init=False)

    @property
    def conversation_id(self) -> str:
        return self.conversation.id

    async def launch(self) -> TurnEvents:
        """Start the generation task; its events until the terminal one."""
        try:
            return self.start.generations.start(self.conversation.id, self.run)
        except BaseException:
            await self.start.release(self.request.principal.user_id, self.admission)
            raise

    async def run(self, emit: Emit) -> None:
        # Nothing to announce to other instances: a stop sent through one of them is asked of
        # every instance, and this one finds the turn in its own ``Generations`` (ADR 0080).
        await self._run(emit)

    async def _run(self, emit: Emit) -> None:
        emit(Connected(self.conversation.id, self.reply_id))
        now = self.start.clock.now()
        user = self._message(MessageRole.USER, (Part.of_text(self.request.message),), now)
        admission = self.admission
        if admission is None:  # guarded: refused without calling the model
            emit(Chunk(REFUSAL))
            emit(Completed(Usage(), 0))
            return
        state = TurnState(messages=[user])
        try:
            await self._converse(state, emit)
        except asyncio.CancelledError:
            await self._finish(admission, state, MessageStatus.ABORTED, emit)
            raise
        except ModelFailure as failure:
            await self._finish(admission, state, MessageStatus.ERROR, emit, failure)
            return
        except Exception:
            log.exception("assistant turn failed")
            await self._finish(admission, state, MessageStatus.ERROR, emit, ModelUnavailable())
            return
        await self._finish(admission, state, MessageStatus.COMPLETE, emit)

    async def _converse(self, state: TurnState, emit: Emit) -> None:
        s = self.start
        caller = ToolCaller(
            self.request.principal,
            self.conversation.id,
            self.request.page_context,
            self.request.debug_info,
        )
        system = SYSTEM_INSTRUCTION
        if self.request.page_context:
            route = self.request.page_context.get("route")
            system += f"\n\nThe user is on the page {route!s} (get_current_page_context reads it)."
        contents = [Content(m.role, m.parts) for m in [*self.history, *state.messages]]
        rounds = 0
        while True:
            tools = s.toolbox.specs if rounds < MAX_TOOL_ROUNDS else ()
            request = ModelRequest(
                system_instruction=system,
                contents=tuple(contents),
                tools=tools,
                temperature=s.policy.temperature,
                max_output_tokens=s.policy.max_output_tokens,
            )
            reply: ModelReply | None = None
            state.partial = ""
            async for event in s.model.stream(request):
                if self._title is None and self.created:
                    self._title = asyncio.ensure_future(self._ask_title())
                if isinstance(event, TextDelta):
                    state.partial += event.text
                    state.output = True
                    emit(Chunk(event.text))
                else:
                    reply = event
            if reply is None:
                raise ModelUnavailable("The model ended without an answer")
            state.usage += reply.usage
            state.partial = ""
            model_message = self._message(MessageRole.MODEL, reply.parts, s.clock.now())
            state.messages.append(model_message)
            contents.append(Content(MessageRole.MODEL, reply.parts))
            calls = [c for p in reply.parts if (c := p.function_call) is not None]
            if not calls or not tools:
                return
            rounds += 1
            responses = []
            for call in calls:
                emit(ToolStatus(call.name, "started"))
                outcome = await s.toolbox.run(call, caller)
                emit(ToolStatus(call.name, outcome.status))
                responses.append(Part.of_function_response(call.name, outcome.response, call.id))
            tool_message = self._message(MessageRole.TOOL, tuple(responses), s.clock.now())
            state.messages.append(tool_message)
            contents.append(Content(MessageRole.TOOL, tool_message.parts))

    def _message(self, role: MessageRole, parts: tuple[Part, ...], now: datetime) -> Message:
        return Message(
            id=new_id(),
            conversation_id=self.conversation.id,
            role=role,
            parts=parts,
            created_at=now,
        )

    async def _finish(
        self,
        admission: Admission,
        state: TurnState,
        status: MessageStatus,
        emit: Emit,
        failure: ModelFailure | None = None,
    ) -> None:
        """Store the turn, settle its payment and tell the client; never cancelled halfway."""
        task = asyncio.current_task()
        if task is not None and status is MessageStatus.ABORTED:
            task.uncancel()  # the stop is handled here; storing must not be interrupted
        try:
            charged = await asyncio.shield(self._store(admission, state, status))
        except DomainError as exc:
            # The reply could not be kept (e.g. the database went away): the client still gets a
            # terminal frame. The hold, if any, is released by the hold-expiry job.
            log.warning("assistant turn not stored: %s", exc.code)
            emit(TurnFailed(exc.code, exc.message))
            return
        if failure is not None:
            emit(TurnFailed(failure.code, failure.message))
        else:
            emit(Completed(state.usage, charged, status.value))
        title = self._title
        if title is None or self._title_stored:
            return
        if status is MessageStatus.COMPLETE:
            self.start.generations.in_background(self._store_title(title))  # not ready in time
        else:
            title.cancel()  # a failed or stopped first exchange keeps the fallback title

    def _final_messages(self, state: TurnState, status: MessageStatus) -> list[Message]:
        """The turn's messages; the last model message is the reply (``reply_id``), carrying the
        status, usage and charge. A round cut short keeps its partial text."""
        messages = list(state.messages)
        now = self.start.clock.now()
        if state.partial or messages[-1].role is not MessageRole.MODEL:
            parts = (Part.of_text(state.partial),) if state.partial else ()
            messages.append(self._message(MessageRole.MODEL, parts, now))
        messages[-1] = replace(messages[-1], id=self.reply_id, status=status, usage=state.usage)
        return messages

    async def _store(self, admission: Admission, state: TurnState, status: MessageStatus) -> int:
        s = self.start
        messages = self._final_messages(state, status)
        charge = 0
        async with s.uow() as uow:
            seq = await uow.conversations.append(self.conversation.id, len(messages), s.clock.now())
            if seq is not None:  # deleted meanwhile: nothing to keep
                numbered = [_numbered(m, seq + i) for i, m in enumerate(messages)]
                if admission.hold_id is not None:
                    charge = await self._settle_hold(
                        uow, admission, admission.hold_id, state, status
                    )
                    numbered[-1] = _charged(numbered[-1], charge)
                await uow.conversations.add_messages(numbered)
                title = self._ready_title() if status is MessageStatus.COMPLETE else None
                if title is not None:
                    await uow.conversations.name_once(self.conversation.id, title)
                    self._title_stored = True
                # Announced by the commit that stores the reply (the outbox: nothing lost on a
                # crash, published once): the owner's other tabs refetch the conversation.
                announce = {"conversationId": self.conversation.id, "messageId": self.reply_id}
                user_id = self.request.principal.user_id
                await uow.outbox.add(PublishRealtime(user_id, AI_MESSAGE_COMPLETED, announce))
            elif admission.hold_id is not None:
                await s.ledger.void_hold(uow, hold_id=admission.hold_id)
            if status is MessageStatus.ERROR and admission.free:
                await uow.assistant_quota.give_back(self.request.principal.user_id, admission.day)
            await uow.commit()
        return charge

    async def _settle_hold(
        self,
        uow: AssistantUnitOfWork,
        admission: Admission,
        hold_id: str,
        state: TurnState,
        status: MessageStatus,
    ) -> int:
        if status is MessageStatus.ERROR and not state.output:
            await self.start.ledger.void_hold(uow, hold_id=hold_id)
            return 0
        if status is MessageStatus.ABORTED and not state.output and not state.usage.total_tokens:
            await self.start.ledger.void_hold(uow, hold_id=hold_id)
            return 0
        amount = credits_for(
            state.usage.total_tokens,
            per_1k_tokens=self.start.policy.credits_per_1k_tokens,
            hold=admission.hold_amount,
        )
        await self.start.ledger.capture_hold(
            uow, hold_id=hold_id, amount=amount, description="AI assistant message"
        )
        return amount

    async def _ask_title(self) -> str | None:
        """A new conversation's title, asked for beside its first reply: started by the reply's
        first model event (never before the first chunk), named from the user's message. The
        reply's own transaction stores it when it is ready by then (no transaction of its own);
        otherwise it is stored when it comes. None: the fallback title stays."""
        s = self.start
        try:
            answer = await asyncio.wait_for(
                s.model.generate_json(
                    system_instruction="Name this conversation in 3 to 8 words. Reply as JSON.",
                    prompt=f"User: {self.request.message}",
                    schema=TITLE_SCHEMA,
                ),
                s.policy.title_timeout_seconds,
            )
        except (ModelFailure, TimeoutError):
            return None
        except Exception:
            log.exception("assistant title failed")
            return None
        title = answer.get("title") if answer else None
        if not isinstance(title, str) or not title.strip(" \"'\n\t"):
            return None
        return clean_title(title)

    def _ready_title(self) -> str | None:
        title = self._title
        if title is None or not title.done() or title.cancelled():
            return None
        return title.result()

    async def _store_title(self, title: asyncio.Future[str | None]) -> None:
        name = await title
        if name is None:
            return
        async with self.start.uow() as uow:
            # unless deleted, or renamed by its owner first
            if await uow.conversations.name_once(self.conversation.id, name):
                await uow.commit()


def _numbered(message: Message, seq: int) -> Message:
    return replace(message, seq=seq)


def _charged(message: Message, credits: int) -> Message:
    return replace(message, credits_charged=credits)


@dataclass(frozen=True, eq=False)
class StartTurn:
    uow: UnitOfWorkFactory[AssistantUnitOfWork]
    ledger: CreditsLedger
    model: LanguageModel
    toolbox: Toolbox
    generations: Generations
    clock: Clock
    policy: AssistantPolicy

    async def __call__(self, request: TurnRequest) -> Turn:
        """Refusals come from here as errors (404, 409, 429, 402); the turn then cannot fail
        with an HTTP error, only with a ``TurnFailed`` event.

        One transaction before the first byte: the conversation and its history are read, and
        the message admitted (a free slot or a hold; a new conversation created) by the same
        unit of work, so a turn pays one BEGIN/COMMIT before the model is called."""
        check_message(request.message)
        guarded = is_injection(request.message)  # refused without the model: no quota, no hold
        user_id = request.principal.user_id
        now = self.clock.now()
        async with self.uow() as uow:
            conversation = None
            history: list[Message] = []
            if request.conversation_id is not None:
                conversation = await own_conversation(
                    uow, request.principal, request.conversation_id
                )
                self.generations.reserve(conversation.id)
                history = history_window(
                    await uow.conversations.messages(
                        conversation.id, last=self.policy.history_window
                    ),
                    self.policy.history_window,
                )
            created = conversation is None
            if conversation is None:
                conversation = Conversation(
                    id=new_id(),
                    user_id=user_id,
                    title=fallback_title(request.message),
                    created_at=now,
                    updated_at=now,
                )
            new = conversation if created else None
            admission = None
            if not guarded:
                admission = await self._admit(uow, user_id, now, request.use_credits)
            if new is not None:
                await uow.conversations.add(new)
            if new is not None or admission is not None:
                await uow.commit()
        return Turn(self, request, conversation, created, history, admission, new_id())

    async def _admit(
        self, uow: AssistantUnitOfWork, user_id: str, now: datetime, use_credits: bool
    ) -> Admission:
        """A free slot of the day, else (``useCredits``) a credit hold; in the caller's unit
        of work, which commits it with the new conversation (nothing to give back if the
        commit fails)."""
        day = quota_day(now)
        if await uow.assistant_quota.take(user_id, day, self.policy.daily_free_messages):
            return Admission(day=day, free=True)
        if not use_credits:
            raise QuotaExhausted(self.policy.daily_free_messages, quota_reset(now))
        hold = await self.ledger.reserve_hold(
            uow,
            user_id=user_id,
            amount=self.policy.max_credits_per_message,
            key=new_id(),
            ttl=self.policy.hold_ttl,
        )
        return Admission(day=day, free=False, hold_id=hold.id, hold_amount=hold.amount)

    async def release(self, user_id: str, admission: Admission | None) -> None:
        """The turn will not run: give its slot or hold back."""
        if admission is None:
            return
        async with self.uow() as uow:
            if admission.hold_id is not None:
                await self.ledger.void_hold(uow, hold_id=admission.hold_id)
            else:
                await uow.assistant_quota.give_back(user_id, admission.day)
            await uow.commit()
