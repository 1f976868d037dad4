"""Markdown bodies to safe, highlighted HTML with heading ids and a table of contents."""
