"""Route modules. A handler's parameters after ``call`` name what it runs by type (ADR 0011);
its context's container serves the module (``http`` in ``entrypoints/containers/<context>.py``)."""
