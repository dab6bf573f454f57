"""Dramatiq: broker factory, the outbox actor, job metrics and the in-process worker."""
