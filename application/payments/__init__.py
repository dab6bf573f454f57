"""Use cases of the payments context."""
