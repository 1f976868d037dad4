"""newsdesk: a Markdown-first publishing engine for Chinese technology news."""

__version__ = "0.1.0"
