"""Razorpay adapters: the REST gateway (production) and the embedded sandbox (development)."""
