"""Counted views per client address, article and window, to cap them."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "view_caps",
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("period", sa.BigInteger, nullable=False),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("address", "slug"),
    )
    op.create_index("view_caps_by_period", "view_caps", ["period"])


def downgrade() -> None:
    op.drop_table("view_caps")
