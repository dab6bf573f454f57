"""identity provider additions

Reserved in the chain so parallel work never creates two heads; filled in by its owner.
"""

from __future__ import annotations

revision = "0007_identity"
down_revision = "0006_invites"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
