"""Reading Markdown articles into the normalized article model."""
