"""The audit trail: reading it here; writing it through ``writer.AuditWriter`` in each context."""
