import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.free_credits.errors import InvalidPhoneNumber
from domain.free_credits.phone_number import PhoneNumber


@pytest.mark.parametrize(
    "raw", ["+919876543210", "+14155550123", "+4420794608", "+1234567", "+12345678901234"]
)
def test_accepts_e164_numbers_of_8_to_15_characters(raw: str) -> None:
    assert PhoneNumber.parse(raw).value == raw


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "+123456",  # 7 characters
        "+123456789012345",  # 16 characters
        "919876543210",  # no plus
        "+0919876543",  # country code cannot start with 0
        "+91abc876543",
        "++919876543",
        "+91 98765 43210 999",  # 16 once compacted
        "+٩١٩٨٧٦٥٤٣٢١",  # Arabic-Indic digits pass str.isdigit but are not E.164
    ],
)
def test_rejects_anything_else(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as caught:
        PhoneNumber.parse(raw)
    assert caught.value.code == "VALIDATION_ERROR"
    assert caught.value.details == [{"field": "phoneNumber", "message": caught.value.message}]


def test_formatting_characters_are_stripped() -> None:
    assert PhoneNumber.parse("+91 (98765) 43-210").value == "+919876543210"


@given(st.from_regex(r"\A\+[1-9][0-9]{6,13}\Z"))
def test_every_valid_number_round_trips(raw: str) -> None:
    assert str(PhoneNumber.parse(raw)) == raw


@given(st.text(max_size=20))
def test_parse_never_fails_with_anything_but_a_validation_error(raw: str) -> None:
    try:
        number = PhoneNumber.parse(raw)
    except InvalidPhoneNumber:
        return
    assert 8 <= len(number.value) <= 15 and number.value[0] == "+"


def test_masked_form_hides_the_middle() -> None:
    assert PhoneNumber("+919876543210").masked == "+91********10"
