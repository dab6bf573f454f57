"""What the user receives: the SMS text and the script read out by the voice call."""

from __future__ import annotations

from datetime import timedelta

PRODUCT = "FairArena"


def sms_text(code: str, ttl: timedelta) -> str:
    minutes = int(ttl.total_seconds() // 60)
    return (
        f"{code} is your {PRODUCT} verification code. It expires in {minutes} minutes. "
        "Never share it with anyone."
    )


def voice_script(code: str) -> str:
    # Digits separated by pauses so text-to-speech reads "one, two, three", not "one hundred...".
    spoken = ", ".join(code)
    return f"Hello. Your {PRODUCT} verification code is: {spoken}."
