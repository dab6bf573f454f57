"""Payments bounded context: plans, the payment state machine, refunds and their audit trail."""
