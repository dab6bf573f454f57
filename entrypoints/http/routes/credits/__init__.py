"""Credits: the caller's wallet (API.md "Credits") and the economy around it (API.md "Credits
economy": organization wallets, transfers). One ``CreditsUseCases`` for all."""

from entrypoints.http.routes.credits import economy, rewards, wallet
from entrypoints.http.routes.credits.use_cases import CreditsUseCases

__all__ = ["CreditsUseCases", "economy", "rewards", "wallet"]
