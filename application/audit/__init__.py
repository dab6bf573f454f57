"""Reading the audit trail (writing is ``uow.audit.append`` in each context)."""
