"""File storage behind an interface, with a local-disk implementation."""
