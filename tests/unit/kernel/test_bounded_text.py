"""Client-controlled text is bounded in one place: free text clipped, keys hashed, never merged."""

from __future__ import annotations

from datetime import UTC, datetime

from application.ports.inbox import ReceivedWebhook
from application.ports.outbox_commands import SendEmail
from domain.bounded_text import MAX_KEY_LENGTH, bounded_key, clipped
from domain.payments.events import EventContext
from domain.request_context import RequestContext


def test_a_short_storable_key_is_kept_verbatim() -> None:
    assert bounded_key("welcome-email:0190") == "welcome-email:0190"
    assert bounded_key("k" * MAX_KEY_LENGTH) == "k" * MAX_KEY_LENGTH


def test_long_keys_fit_stay_stable_and_stay_distinct() -> None:
    a, b = "x" * 300 + "a", "x" * 300 + "b"
    assert len(bounded_key(a)) == MAX_KEY_LENGTH == len(bounded_key(b))
    assert bounded_key(a) == bounded_key(a) != bounded_key(b)
    assert bounded_key(a).startswith("x" * 100)


def test_a_key_no_database_can_store_is_hashed() -> None:
    for key in ("evt_\udcff", "evt_\x00"):
        bounded = bounded_key(key)
        assert bounded != key and len(bounded) <= MAX_KEY_LENGTH
        assert "\x00" not in bounded and "\udcff" not in bounded


def test_free_text_is_clipped_and_made_storable() -> None:
    assert clipped("a" * 600, 500) == "a" * 500
    assert clipped("curl \udcff\x00", 500) == "curl \ufffd\ufffd"
    assert clipped("", 500) is None and clipped(None, 500) is None


def test_request_context_and_payment_meta_bound_themselves() -> None:
    ctx = RequestContext(request_id="r" * 200, ip="1" * 600, user_agent="u" * 600)
    assert (len(ctx.request_id or ""), len(ctx.ip or ""), len(ctx.user_agent or "")) == (
        100,
        64,
        500,
    )
    meta = RequestContext(ip="1" * 600, user_agent="u" * 600)
    event = EventContext(actor="a", source="checkout", now=datetime.now(UTC), request=meta)
    assert (len(event.request.ip or ""), len(event.request.user_agent or "")) == (64, 500)


def test_outbox_keys_and_inbox_ids_are_bounded_where_they_are_made() -> None:
    long_id = "msg_" + "z" * 300
    message = SendEmail(to="a@example.com", template="t", dedupe_key=f"webhook:clerk:{long_id}")
    assert message.dedupe_key == bounded_key(f"webhook:clerk:{long_id}")
    hook = ReceivedWebhook("1", "razorpay", long_id, "payment.captured", "{}", datetime.now(UTC))
    assert hook.event_id == bounded_key(long_id) and len(hook.event_id) == MAX_KEY_LENGTH
