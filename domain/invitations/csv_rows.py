"""Parsing an uploaded CSV of invitations into rows (``email`` and ``role`` columns)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from domain.invitations.errors import InvalidInvitation
from domain.invitations.requests import InviteRow

MAX_CSV_BYTES = 1024 * 1024  # 1 MB of UTF-8
MAX_CSV_ROWS = 1000  # data rows, header and blank lines not counted

_EMAIL_HEADERS = frozenset({"email", "emailaddress"})
_ROLE_HEADERS = frozenset({"role", "roleid", "rolename"})


def parse_invite_csv(content: str) -> list[InviteRow]:
    """Every non-blank data row of ``content``; a broken file raises ``InvalidInvitation``.

    Row-level problems (empty cells, too many cells) are returned on the row for the planner to
    report; only what makes the whole upload unusable — size, row count, missing header, unreadable
    CSV — is an error, so nothing is created from a file that was rejected.
    """
    if len(content.encode("utf-8")) > MAX_CSV_BYTES:
        raise _invalid(f"CSV is larger than {MAX_CSV_BYTES} bytes")
    if "\x00" in content:
        raise _invalid("CSV contains a NUL byte")
    reader = csv.reader(io.StringIO(content.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = _next_non_blank(reader)
        if header is None:
            raise _invalid("CSV is empty")
        email_at, role_at = _columns(header)
        rows: list[InviteRow] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_CSV_ROWS:
                raise _invalid(f"CSV has more than {MAX_CSV_ROWS} rows")
            rows.append(_row(reader.line_num, cells, len(header), email_at, role_at))
    except csv.Error as exc:
        raise _invalid(f"Unreadable CSV at line {reader.line_num}: {exc}") from None
    if not rows:
        raise _invalid("CSV has a header but no rows")
    return rows


def _next_non_blank(reader: Iterator[list[str]]) -> list[str] | None:
    for cells in reader:
        if any(cell.strip() for cell in cells):
            return cells
    return None


def _columns(header: list[str]) -> tuple[int, int]:
    keys = ["".join(ch for ch in cell.strip().lower() if ch.isalnum()) for cell in header]
    email_at = [i for i, key in enumerate(keys) if key in _EMAIL_HEADERS]
    role_at = [i for i, key in enumerate(keys) if key in _ROLE_HEADERS]
    if len(email_at) != 1 or len(role_at) != 1:
        raise _invalid("CSV header must have exactly one 'email' and one 'role' column")
    return email_at[0], role_at[0]


def _row(line: int, cells: list[str], width: int, email_at: int, role_at: int) -> InviteRow:
    email = cells[email_at].strip() if email_at < len(cells) else ""
    role = cells[role_at].strip() if role_at < len(cells) else ""
    problem = None
    if len(cells) > width:
        problem = f"{len(cells)} cells for {width} columns"
    return InviteRow(row=line, email=email, role=role, problem=problem)


def _invalid(message: str) -> InvalidInvitation:
    return InvalidInvitation(message, details=[{"field": "csv", "message": message}])
