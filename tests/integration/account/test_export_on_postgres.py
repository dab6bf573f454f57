"""The export on PostgreSQL for a user with data in every context: every registered section has
the user's rows, the document is valid JSON written in chunks, and secrets stay out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.repositories.account.export_sections import SECTIONS
from adapters.sqlalchemy.tables.assistant import ai_conversations, ai_messages, ai_quota_usage
from adapters.sqlalchemy.tables.community import (
    feedback,
    feedback_weekly,
    newsletter_subscribers,
    reports,
)
from adapters.sqlalchemy.tables.credits import (
    coupon_redemptions,
    coupons,
    credit_holds,
    referral_codes,
    referrals,
)
from adapters.sqlalchemy.tables.free_credits import (
    free_credit_claims,
    phone_verification_attempts,
    phone_verifications,
)
from adapters.sqlalchemy.tables.invitations import invitations
from adapters.sqlalchemy.tables.notifications import notifications
from adapters.sqlalchemy.tables.payments import payment_refunds, payments
from adapters.sqlalchemy.tables.profiles import profile_stars, profile_views
from adapters.sqlalchemy.tables.support import support_ticket_messages, support_tickets
from domain.ids import new_id
from tests.e2e.access.helpers import Actor, make_org
from tests.e2e.account.helpers import BASE, call, step_up
from tests.e2e.invitations.helpers import container_of, person


async def _rows_for_the_rest(url: str, ada: str, bob: str, org_id: str) -> None:
    """What no route makes without outside services (SMS, Gemini, Razorpay refunds)."""
    now = datetime.now(UTC)
    engine = build_engine(url)
    async with engine.begin() as conn:
        run = conn.execute
        await run(
            sa.insert(notifications).values(
                id=new_id(),
                user_id=ada,
                type="SYSTEM",
                title="t",
                message="m",
                description="",
                metadata={},
                created_at=now,
            )
        )
        await run(
            sa.insert(profile_views).values(profile_user_id=ada, viewer_id=bob, viewed_at=now)
        )
        await run(
            sa.insert(profile_views).values(profile_user_id=bob, viewer_id=ada, viewed_at=now)
        )
        await run(sa.insert(profile_stars).values(profile_user_id=bob, user_id=ada, created_at=now))
        await run(sa.insert(profile_stars).values(profile_user_id=ada, user_id=bob, created_at=now))
        for email, by in (("bob@example.com", ada), ("ada@example.com", bob)):
            await run(
                sa.insert(invitations).values(
                    id=new_id(),
                    organization_id=org_id,
                    scope_type="organization",
                    scope_id=org_id,
                    email=email,
                    role_id="org.member",
                    code_digest=new_id().replace("-", "") + "0000",
                    invited_by=by,
                    state="pending",
                    created_at=now,
                    expires_at=now + timedelta(days=7),
                )
            )
        await run(
            sa.insert(credit_holds).values(
                id=new_id(),
                wallet=f"user:{ada}",
                amount=1,
                idempotency_key=new_id(),
                status="VOIDED",
                created_at=now,
                expires_at=now,
            )
        )
        await run(
            sa.insert(phone_verifications).values(
                user_id=ada, verified_phone="+919999999999", verified_at=now
            )
        )
        await run(
            sa.insert(phone_verification_attempts).values(
                id=new_id(), user_id=ada, kind="verify", occurred_at=now
            )
        )
        await run(
            sa.insert(free_credit_claims).values(
                user_id=ada, transaction_id=new_id(), amount=10, claimed_at=now
            )
        )
        conversation = new_id()
        await run(
            sa.insert(ai_conversations).values(
                id=conversation, user_id=ada, title="Help", created_at=now, updated_at=now
            )
        )
        await run(
            sa.insert(ai_messages).values(
                id=new_id(),
                conversation_id=conversation,
                seq=1,
                role="user",
                parts=[{"text": "hi"}],
                status="complete",
                created_at=now,
            )
        )
        await run(sa.insert(ai_quota_usage).values(user_id=ada, day=now.date(), used=1))
        payment_id = (
            await run(sa.select(payments.c.id).where(payments.c.user_id == ada))
        ).scalar_one()
        await run(
            sa.insert(payment_refunds).values(
                id=new_id(),
                payment_id=payment_id,
                amount=1,
                status="REQUESTED",
                reason="r",
                requested_by=ada,
                credits_clawed=0,
                credits_shortfall=0,
                created_at=now,
            )
        )
        await _community_and_support_rows(run, ada, bob, now)
    await engine.dispose()


async def _community_and_support_rows(run: Any, ada: str, bob: str, now: datetime) -> None:
    report = {"entity_type": "PROFILE", "reason": "SPAM", "details": "d", "status": "QUEUED"}
    await run(
        sa.insert(reports).values(
            id=new_id(), reporter_id=ada, entity_id=bob, created_at=now, updated_at=now, **report
        )
    )
    await run(
        sa.insert(feedback).values(
            id=new_id(), user_id=ada, code_digest="x" * 64, channel="EMAIL", created_at=now
        )
    )
    await run(
        sa.insert(feedback_weekly).values(
            user_id=ada, week="2026-W48", channel="EMAIL", sent_at=now
        )
    )
    await run(
        sa.insert(newsletter_subscribers).values(
            email="ada@example.com", status="CONFIRMED", created_at=now, updated_at=now
        )
    )
    await run(sa.insert(referral_codes).values(user_id=ada, code="ADA-REF", created_at=now))
    await run(sa.insert(referral_codes).values(user_id=bob, code="BOB-REF", created_at=now))
    for referred, referrer, code in ((bob, ada, "ADA-REF"), (ada, bob, "BOB-REF")):
        await run(
            sa.insert(referrals).values(
                referred_user_id=referred, referrer_user_id=referrer, code=code, claimed_at=now
            )
        )
    coupon = new_id()
    await run(
        sa.insert(coupons).values(
            id=coupon, code_digest="c" * 64, credits=5, one_per_user=True, created_at=now
        )
    )
    await run(
        sa.insert(coupon_redemptions).values(
            id=new_id(), coupon_id=coupon, user_id=ada, once=True, created_at=now
        )
    )
    ticket = new_id()
    await run(
        sa.insert(support_tickets).values(
            id=ticket,
            subject="Help",
            message="It broke",
            requester_id=ada,
            requester_email="ada@example.com",
            status="NEW",
            type_by_agent=False,
            severity_by_agent=False,
            created_at=now,
            updated_at=now,
            first_response_due_at=now,
        )
    )
    for body, internal in (("We are on it", False), ("agent-only note", True)):
        await run(
            sa.insert(support_ticket_messages).values(
                id=new_id(),
                ticket_id=ticket,
                author_id=bob,
                from_agent=True,
                body=body,
                internal=internal,
                created_at=now,
            )
        )


async def test_every_section_carries_the_users_rows(
    pg_client: Any, token: Any, pg_url: str
) -> None:
    admin = Actor(pg_client, token("root@example.com", admin=True))
    ada = await person(pg_client, token, "ada@example.com", name="Ada Lovelace")
    bob = await person(pg_client, token, "bob@example.com", name="Bob")
    await ada.ok("PUT", "/settings", {"wantToGetFeedbackMail": False})
    org = await make_org(ada, "ada-org")
    grant = {"userId": ada.user_id, "amount": 40, "type": "BONUS", "reason": "prize"}
    await admin.ok("POST", "/admin/credits/grant", grant, status=201)
    await ada.ok("POST", "/payments/create-order", {"planId": "plan_pro"}, status=201)
    await _rows_for_the_rest(pg_url, ada.user_id, bob.user_id, org["id"])
    verification = await step_up(ada, "ada@example.com")
    status, body, _ = await call(ada, "POST", f"{BASE}/export-data", token=verification)
    assert status == 202, body

    container = container_of(pg_client)
    source = container.infrastructure.user_data_source()
    export = await container.account.build_export().handle(body["data"]["id"])
    chunks = [c async for c in container.infrastructure.export_files().read(export.id)]
    document = json.loads(b"".join(chunks))
    sections = document["sections"]
    assert list(sections) == source.sections() == [s.name for s in SECTIONS]
    empty = [name for name, rows in sections.items() if not rows]
    assert empty == [], f"sections without the user's rows: {empty}"
    text = json.dumps(sections)
    assert "codeDigest" not in text and "code_hash" not in text
    assert "agent-only note" not in text  # internal notes are the desk's
    assert sections["ledgerEntries"][0]["amount"] == 40
    assert {r["userId"] for r in sections["starsGiven"]} == {ada.user_id}
    assert {r["profileUserId"] for r in sections["starsReceived"]} == {ada.user_id}
    assert {r["invitedBy"] for r in sections["invitationsReceived"]} == {bob.user_id}
