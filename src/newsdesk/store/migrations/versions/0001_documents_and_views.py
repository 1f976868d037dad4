"""Content documents, view counts and settings."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("path", sa.Text, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("options_key", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "view_counts",
        sa.Column("slug", sa.Text, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "view_days",
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("slug", "day"),
    )
    op.create_index("view_days_by_day", "view_days", ["day"])
    op.create_table(
        "view_visits",
        sa.Column("visitor", sa.String(64), nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("seen_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("visitor", "slug"),
    )
    op.create_index("view_visits_by_time", "view_visits", ["seen_at"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("settings", "view_visits", "view_days", "view_counts", "documents"):
        op.drop_table(table)
