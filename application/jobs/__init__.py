"""Background jobs: running outbox messages through their topic's handler, and periodic jobs."""
