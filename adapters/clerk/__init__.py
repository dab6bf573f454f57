"""Clerk: session-token verification (RS256, JWKS or PEM), the Backend API directory, webhooks."""
