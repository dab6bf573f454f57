"""Trace context across the outbox (ADR 0093): captured where a command is stored, continued
where its job runs. With tracing off (no provider configured) both are no-ops."""
