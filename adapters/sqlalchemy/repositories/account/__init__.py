"""SQL repositories of the account context."""
