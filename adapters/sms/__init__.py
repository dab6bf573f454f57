"""SmsSender adapters: Twilio's REST API and a dev outbox file."""
