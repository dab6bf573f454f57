"""Time slots of periodic jobs."""
