"""Use cases of the invitations context: invite, list, revoke, preview, accept, decline."""
