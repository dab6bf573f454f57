"""CSV uploads: header with email and role, ≤1,000 rows, ≤1 MB, row problems left to the planner."""

from __future__ import annotations

import csv
import io
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.invitations.csv_rows import MAX_CSV_BYTES, MAX_CSV_ROWS, parse_invite_csv
from domain.invitations.planning import SkipReason, plan_invitations
from domain.invitations.requests import RoleCatalogue

cells = st.text(string.ascii_letters + string.digits + "@.+-_ ,\"'", max_size=20)


def to_csv(header: list[str], rows: list[list[str]], newline: str = "\r\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@given(
    st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=40),
    st.sampled_from(["\n", "\r\n"]),
)
def test_what_csv_writer_wrote_is_read_back(rows: list[tuple[str, str, str]], newline: str) -> None:
    kept = [r for r in rows if any(c.strip() for c in r)]
    content = to_csv(["Name", "E-mail", "Role"], [list(r) for r in rows], newline)
    if not kept:
        with pytest.raises(ValidationFailed):
            parse_invite_csv(content)
        return
    parsed = parse_invite_csv(content)
    assert [(p.email, p.role) for p in parsed] == [(r[1].strip(), r[2].strip()) for r in kept]
    assert all(p.problem is None for p in parsed)
    assert [p.row for p in parsed] == sorted({p.row for p in parsed})


@given(st.text(max_size=300))
def test_any_text_is_either_rows_or_a_validation_error(content: str) -> None:
    try:
        parsed = parse_invite_csv(content)
    except ValidationFailed:
        return
    assert parsed and len(parsed) <= MAX_CSV_ROWS


def test_header_aliases_bom_blank_lines_and_extra_columns() -> None:
    content = (
        "\ufeffFirst Name,email,role_id\n\nAnn,ann@x.com,Member\n , , \nBob,bob@x.com,Admin,oops\n"
    )
    parsed = parse_invite_csv(content)
    assert [(p.row, p.email, p.role, p.problem) for p in parsed] == [
        (3, "ann@x.com", "Member", None),
        (5, "bob@x.com", "Admin", "4 cells for 3 columns"),
    ]


def test_short_rows_become_bad_rows_in_the_plan() -> None:
    parsed = parse_invite_csv("email,role\nann@x.com\n")
    roles = RoleCatalogue(by_id={"m": "Member"}, grantable=frozenset({"m"}))
    plan = plan_invitations(parsed, roles=roles, members=set(), pending=set())
    assert [(s.row, s.reason, s.message) for s in plan.skipped] == [
        (2, SkipReason.BAD_ROW, "missing role")
    ]


@pytest.mark.parametrize(
    "content",
    [
        "",
        "\n\n",
        "email\nann@x.com\n",
        "role\nMember\n",
        "email,role,email\na@x.com,M,b@x.com\n",
        "email,role\n",
        'email,role\n"unterminated,Member\n',
        "email,role\na@x.com,\x00\n",
    ],
)
def test_unusable_files_are_rejected_as_a_whole(content: str) -> None:
    with pytest.raises(ValidationFailed):
        parse_invite_csv(content)


def test_row_limit_is_1000() -> None:
    body = [[f"u{i}@x.com", "Member"] for i in range(MAX_CSV_ROWS)]
    assert len(parse_invite_csv(to_csv(["email", "role"], body))) == MAX_CSV_ROWS
    with pytest.raises(ValidationFailed):
        parse_invite_csv(to_csv(["email", "role"], [*body, ["one@more.com", "Member"]]))


def test_size_limit_is_1_mb_of_utf8() -> None:
    header = "email,role,note\n"
    row = "a@x.com,Member," + "é" * 500 + "\n"  # é is two bytes in UTF-8
    content = header + row * ((MAX_CSV_BYTES - len(header)) // len(row.encode()) + 1)
    assert len(content) < MAX_CSV_BYTES < len(content.encode())
    with pytest.raises(ValidationFailed):
        parse_invite_csv(content)
