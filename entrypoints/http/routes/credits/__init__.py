"""Credits: the caller's wallet (API.md "Credits") and the economy around it (API.md "Credits
economy": organization wallets, transfers)."""
