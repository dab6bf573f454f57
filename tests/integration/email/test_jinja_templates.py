"""The e-mail templates: every one renders both parts, HTML is escaped, mistakes raise."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.email.errors import MissingTemplateVariable, UnknownEmailTemplate
from adapters.email.jinja_templates import JinjaEmailTemplates, money

MONEY = {"amount_paise": 49_900, "currency": "INR", "payment_id": "pay_123"}
CONTEXTS: dict[str, dict[str, object]] = {
    "welcome": {"name": "Asha"},
    "account-recovery": {"name": "Asha"},
    "payment-success": {
        "name": "Asha",
        "plan_name": "Pro",
        "credits_added": 600,
        "balance": 800,
        **MONEY,
    },
    "payment-failed": {"name": "Asha", "plan_name": "Pro", "reason": "card declined", **MONEY},
    "refund-initiated": {"name": "Asha", "credits_deducted": 600, **MONEY},
    "refund-completed": {"name": "Asha", **MONEY},
    "refund-failed": {"name": "Asha", "reason": "bank rejected", **MONEY},
    "free-credits-claimed": {"name": "Asha", "credits": 200, "balance": 200},
    "phone-number-added": {"name": "Asha", "phone_number": "+91******3210"},
    "support-confirmation": {
        "name": "Asha",
        "ticket_id": "t1",
        "subject": "Login",
        "severity": "LOW",
    },
    "support-reply": {
        "ticket_id": "t1",
        "subject": "Login",
        "reply": "Try again",
        "status": "OPEN",
    },
    "invite": {
        "inviter_name": "Ravi",
        "scope": "team",
        "scope_name": "Red Team",
        "organization_name": "Acme",
        "role": "Member",
        "invite_url": "https://app.example/invites/abc123",
        "expires_at": "2026-12-01",
    },
    "account-verification-code": {"name": "Asha", "code": "012345", "expires_minutes": 10},
    "data-export": {
        "name": "Asha",
        "download_url": "https://api.example/api/v1/account-settings/exports/e1?expires=1",
        "expires_at": "2026-12-02 10:00 UTC",
    },
    "account-deleted": {"name": "Asha", "recover_by": "2027-03-01"},
    "account-deletion-warning": {"name": "Asha", "days_left": 5, "recover_by": "2027-03-01"},
    "weekly-feedback": {
        "name": "Asha",
        "feedback_url": "https://app.example/feedback/code1",
        "unsubscribe_url": "https://api.example/api/v1/feedback-mail/unsubscribe?token=t",
    },
    "newsletter-confirm": {
        "confirm_url": "https://api.example/api/v1/newsletter/confirm?token=c",
        "unsubscribe_url": "https://api.example/api/v1/newsletter/unsubscribe?token=u",
    },
    "newsletter-unsubscribe": {
        "unsubscribe_url": "https://api.example/api/v1/newsletter/unsubscribe?token=u",
    },
    "platform-invite": {
        "inviter_name": "Ravi",
        "signup_url": "https://app.example/sign-up",
        "newsletter_url": "https://app.example/newsletter",
    },
}


@pytest.fixture
def templates() -> JinjaEmailTemplates:
    return JinjaEmailTemplates(frontend_url="https://app.example/")


def test_the_required_templates_exist(templates: JinjaEmailTemplates) -> None:
    assert set(CONTEXTS) == set(templates.names())


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_each_template_renders_subject_text_and_html(
    templates: JinjaEmailTemplates, name: str
) -> None:
    email = templates.render(name, CONTEXTS[name])
    assert email.subject and "\n" not in email.subject
    assert "FairArena" in email.text and "<" not in email.text.replace("<script>", "")
    assert email.html.lstrip().startswith("<!DOCTYPE html>")
    assert "https://app.example" in email.html  # the layout's footer link, trailing / dropped
    assert "{{" not in email.text + email.html + email.subject


def test_amounts_are_rendered_from_paise(templates: JinjaEmailTemplates) -> None:
    email = templates.render("payment-success", CONTEXTS["payment-success"])
    assert "₹499.00" in email.text and "₹499.00" in email.html
    assert "600" in email.subject


def test_invite_carries_the_link_and_names_the_scope(templates: JinjaEmailTemplates) -> None:
    email = templates.render("invite", CONTEXTS["invite"])
    assert "https://app.example/invites/abc123" in email.text
    assert 'href="https://app.example/invites/abc123"' in email.html
    assert "team Red Team in Acme" in email.text
    org = templates.render(
        "invite", {**CONTEXTS["invite"], "scope": "organization", "scope_name": "Acme"}
    )
    assert "organization Acme on" in org.text and " in Acme" not in org.text


def test_html_is_escaped_and_text_is_not(templates: JinjaEmailTemplates) -> None:
    email = templates.render("welcome", {"name": "<script>alert(1)</script> & co"})
    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in email.html
    assert "Hi <script>alert(1)</script> & co," in email.text


def test_a_newline_in_the_context_cannot_split_the_subject(templates: JinjaEmailTemplates) -> None:
    email = templates.render("welcome", {"name": "Asha\r\nBcc: victim@example.com"})
    assert "\n" not in email.subject and "\r" not in email.subject


def test_a_missing_variable_raises(templates: JinjaEmailTemplates) -> None:
    context = dict(CONTEXTS["payment-success"])
    del context["balance"]
    with pytest.raises(MissingTemplateVariable, match="balance"):
        templates.render("payment-success", context)


@pytest.mark.parametrize("name", ["no-such-template", "../layouts/base", "Welcome", ""])
def test_an_unknown_template_raises(templates: JinjaEmailTemplates, name: str) -> None:
    with pytest.raises(UnknownEmailTemplate):
        templates.render(name, {"name": "Asha"})


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_money_shows_exactly_the_paise_it_was_given(paise: int) -> None:
    shown = money(paise, "INR")
    digits = re.sub(r"[^0-9]", "", shown)
    assert int(digits) == abs(paise)
    assert shown.startswith("-₹") == (paise < 0)
    assert re.search(r"\.\d{2}$", shown)


def test_money_in_another_currency_names_it() -> None:
    assert money(1_234_567, "USD") == "12,345.67 USD"
