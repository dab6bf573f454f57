"""Attempt counting on the ``limits`` library (Redis when configured, process memory else)."""
