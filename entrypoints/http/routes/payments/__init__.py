"""Plans, payments and the sandbox checkout pages: one ``PaymentsUseCases`` for both modules."""

from entrypoints.http.routes.payments import api, checkout
from entrypoints.http.routes.payments.use_cases import PaymentsUseCases

__all__ = ["PaymentsUseCases", "api", "checkout"]
