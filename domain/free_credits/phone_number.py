"""E.164 phone numbers as accepted by the credits API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.free_credits.errors import InvalidPhoneNumber

# "+" then a country code that never starts with 0, 8..15 characters in all (API.md "Credits").
MIN_LENGTH = 8
MAX_LENGTH = 15
_E164 = re.compile(r"\+[1-9][0-9]+")


@dataclass(frozen=True)
class PhoneNumber:
    """A syntactically valid E.164 number such as ``+919876543210``."""

    value: str

    def __post_init__(self) -> None:
        if not MIN_LENGTH <= len(self.value) <= MAX_LENGTH:
            raise InvalidPhoneNumber(
                f"phone number must be {MIN_LENGTH}..{MAX_LENGTH} characters in E.164 form"
            )
        # fullmatch with an ASCII class: str.isdigit() would accept other scripts' digits.
        if not _E164.fullmatch(self.value):
            raise InvalidPhoneNumber("phone number must be E.164: '+', country code, digits")

    @classmethod
    def parse(cls, raw: str) -> PhoneNumber:
        """Accepts the canonical form only (spaces, dashes and brackets are stripped first)."""
        compact = re.sub(r"[\s\-()]", "", raw)
        return cls(compact)

    @property
    def masked(self) -> str:
        """Safe for logs and messages: the country prefix and the last two digits only."""
        return f"{self.value[:3]}{'*' * (len(self.value) - 5)}{self.value[-2:]}"

    def __str__(self) -> str:
        return self.value
