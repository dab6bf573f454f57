"""Route modules. Each declares the use cases its handlers receive (``ApiRoutes(uses=...)``);
its context's container builds them (``http`` in ``entrypoints/containers/<context>.py``)."""
