"""Background jobs wiring: outbox handlers, worker, relay, in-process jobs, scheduler."""
