"""Compiling articles, settling the site once, and keeping it live for the server."""
