"""Sending what the outbox holds: email templates, transports (SMTP by URL, the dev sink),
seller webhooks and the worker that delivers each message once."""
