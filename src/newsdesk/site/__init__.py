"""The site: configuration, page models, feeds."""
