"""E-mails to an account's owner: to their address when they have one, greeted by name."""

from __future__ import annotations

from collections.abc import Mapping

from application.ports.outbox import Outbox
from application.ports.outbox_commands import SendEmail
from domain.identity.user import User


async def mail_owner(
    outbox: Outbox,
    user: User,
    template: str,
    *,
    dedupe_key: str | None = None,
    sealed: Mapping[str, str] | None = None,
    **context: object,
) -> None:
    """Queue ``template`` for ``user`` (an account without an address gets nothing), greeted by
    first or display name — else by none: the account templates greet without one."""
    if not user.email:
        return
    await outbox.add(
        SendEmail(
            to=user.email,
            template=template,
            context={"name": user.greeted_as(""), **context},
            sealed=sealed or {},
            dedupe_key=dedupe_key,
        )
    )
