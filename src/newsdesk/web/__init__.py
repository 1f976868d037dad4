"""The dynamic server: HTML pages and the JSON API over ASGI."""
