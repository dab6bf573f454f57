import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.free_credits.eligibility import FreeCreditsEligibility
from domain.free_credits.errors import FreeCreditsAlreadyClaimed, PhoneVerificationRequired


@given(st.booleans(), st.booleans(), st.booleans())
def test_can_claim_is_true_exactly_when_the_claim_rule_passes(
    claimed: bool, verified: bool, has_number: bool
) -> None:
    eligibility = FreeCreditsEligibility(claimed, verified, has_number)
    try:
        eligibility.require_claimable()
    except (FreeCreditsAlreadyClaimed, PhoneVerificationRequired):
        assert not eligibility.can_claim
    else:
        assert eligibility.can_claim


def test_reasons_and_codes() -> None:
    with pytest.raises(FreeCreditsAlreadyClaimed) as claimed:
        FreeCreditsEligibility(
            has_claimed=True, phone_verified=True, has_phone_number=True
        ).require_claimable()
    assert claimed.value.code == "ALREADY_CLAIMED"
    with pytest.raises(PhoneVerificationRequired) as unverified:
        FreeCreditsEligibility(
            has_claimed=False, phone_verified=False, has_phone_number=True
        ).require_claimable()
    assert unverified.value.code == "PHONE_VERIFICATION_REQUIRED"
