"""Language-level text utilities: CJK counting, anchors, slugs."""
