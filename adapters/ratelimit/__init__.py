"""Per-key attempt limits over the ``limits`` library (memory or Redis storage)."""
