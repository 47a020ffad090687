"""The HTTP surface: a JSON API under /api/v1 and server-rendered pages."""
