"""Use cases of the free-credits phone verification: send and verify codes, eligibility, claim."""
