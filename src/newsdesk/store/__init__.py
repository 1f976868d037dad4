"""The database: the content index, the search index and the view counts."""
