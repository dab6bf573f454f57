"""What a production value must look like: no placeholder left from ``.env.example``, and the
shape each provider's keys have. Used by ``Settings.check_production_safety``; every problem
names its variable and never echoes the value (it may be a real secret)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable

# Placeholders people leave in copied env files: change-me, changeme, <your key>, your-key-here,
# xxxx…, and the reserved example domains/words (RFC 2606: example.com, *.example). ``<…>`` with
# an @ inside is an address ("FairArena <no-reply@…>"), not a placeholder.
_PLACEHOLDER = re.compile(
    r"change[-_ ]?me|<[^>@]*>|\byour[-_ ]|placeholder|replace[-_ ]?me|\bexample\b",
    re.IGNORECASE,
)
# A run of x's after a short prefix ("rzp_test_xxx", "ACxxxx…", "xxx@…") is a placeholder;
# a generated secret holds a "-XxX_" run in its middle by chance now and then, and is not one.
_X_SEGMENT = re.compile(
    r"^(?:[a-z0-9]{1,12}[_\-.:/]){0,3}[a-z0-9]{0,4}?x{3,}(?:$|@)", re.IGNORECASE
)


def is_placeholder(value: str) -> bool:
    """A value that was never filled in: empty, or a recognisable placeholder."""
    return (
        not value.strip()
        or _PLACEHOLDER.search(value) is not None
        or _X_SEGMENT.search(value) is not None
    )


def _prefixed(*prefixes: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if value.startswith(prefixes):
            return None
        return "must start with " + " or ".join(f"'{p}'" for p in prefixes)

    return check


def _https_url(value: str) -> str | None:
    return None if re.fullmatch(r"https://[^\s/]+(/\S*)?", value) else "must be an https:// URL"


def _seal_key(value: str) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32 or not re.fullmatch(r"[A-Za-z0-9_-]+=*", value):
        return "must be the URL-safe base64 of 32 random bytes"
    return None


def _at_least(size: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if len(value.encode()) >= size else f"must be at least {size} bytes"

    return check


def _matches(pattern: str, shape: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if re.fullmatch(pattern, value) else f"must be {shape}"

    return check


FORMATS: dict[str, Callable[[str], str | None]] = {
    "INVITE_SEAL_KEY": _seal_key,
    "OTP_PEPPER": _at_least(32),
    "METRICS_TOKEN": _at_least(16),
    "RAZORPAY_KEY_ID": _prefixed("rzp_"),
    "CLERK_WEBHOOK_SECRET": _prefixed("whsec_"),
    "CLERK_SECRET_KEY": _prefixed("sk_live_", "sk_test_"),
    "CLERK_JWKS_URL": _https_url,
    "CLERK_ISSUER": _https_url,
    "RESEND_API_KEY": _prefixed("re_"),
    "TWILIO_ACCOUNT_SID": _matches(r"AC[0-9a-fA-F]{32}", "'AC' followed by 32 hex digits"),
    "TWILIO_FROM": _matches(r"\+[1-9][0-9]{6,14}", "an E.164 number (+15005550006)"),
}


HINTS = {"DATABASE_URL": " (with compose: POSTGRES_PASSWORD in .env)"}


def value_problems(values: Iterable[tuple[str, str | None]]) -> list[str]:
    """Placeholders and malformed keys among the variables that are set (non-empty)."""
    problems = []
    for name, value in values:
        if not value:
            continue  # unset: whether it is required is checked on its own, by name
        if is_placeholder(value):
            hint = HINTS.get(name, "")
            problems.append(f"{name} still holds a placeholder: set the real value{hint}")
            continue
        check = FORMATS.get(name)
        reason = check(value) if check is not None else None
        if reason is not None:
            problems.append(f"{name} {reason}")
    return problems
