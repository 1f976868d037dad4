"""Old generators' syntax (Hexo, Jekyll/Liquid, kramdown, Hugo, VitePress) written
as the portable Markdown that newsdesk renders and `newsdesk fix` writes back."""
