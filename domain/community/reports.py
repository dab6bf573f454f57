"""Reports about profiles, organizations, teams and projects, and their moderation.

A report is stored at once (QUEUED) and never deleted; moderators move it through the machine
below. The transitions are data: ``TRANSITIONS[current]`` is every status it may become.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from domain.community.errors import IllegalReportTransition


class ReportStatus(StrEnum):
    QUEUED = "QUEUED"
    IN_REVIEW = "IN_REVIEW"
    ESCALATED = "ESCALATED"
    RESOLVED = "RESOLVED"
    DISMISSED = "DISMISSED"


class EntityType(StrEnum):
    PROFILE = "profile"
    ORGANIZATION = "organization"
    TEAM = "team"
    PROJECT = "project"


class ReportReason(StrEnum):
    SPAM = "spam"
    HARASSMENT = "harassment"
    INAPPROPRIATE = "inappropriate"
    FAKE = "fake"
    PRIVACY = "privacy"
    OTHER = "other"


#: What a moderator may move a report to. QUEUED is only ever the start; RESOLVED and DISMISSED
#: are final (a decision is not taken back: a new report starts a new case). No self-loops.
TRANSITIONS = MappingProxyType(
    {
        ReportStatus.QUEUED: frozenset(
            {
                ReportStatus.IN_REVIEW,
                ReportStatus.ESCALATED,
                ReportStatus.RESOLVED,
                ReportStatus.DISMISSED,
            }
        ),
        ReportStatus.IN_REVIEW: frozenset(
            {ReportStatus.ESCALATED, ReportStatus.RESOLVED, ReportStatus.DISMISSED}
        ),
        ReportStatus.ESCALATED: frozenset(
            {ReportStatus.IN_REVIEW, ReportStatus.RESOLVED, ReportStatus.DISMISSED}
        ),
        ReportStatus.RESOLVED: frozenset(),
        ReportStatus.DISMISSED: frozenset(),
    }
)

#: A report in one of these counts as open: one per (reporter, entity) at a time.
OPEN_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if targets)
#: Outcomes the reporter is told about.
OUTCOMES = frozenset({ReportStatus.RESOLVED, ReportStatus.DISMISSED})


def check_transition(current: ReportStatus, target: ReportStatus) -> None:
    """Raise ``IllegalReportTransition`` unless ``current`` may become ``target``."""
    if target not in TRANSITIONS[current]:
        raise IllegalReportTransition(current.value, target.value)


@dataclass(frozen=True)
class Report:
    id: str
    reporter_id: str
    entity_type: EntityType
    entity_id: str
    reason: ReportReason
    details: str | None
    status: ReportStatus
    created_at: datetime
    updated_at: datetime
    resolution: str | None = None
    moderator_id: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def moderate(
        self, target: ReportStatus, resolution: str | None, moderator_id: str, now: datetime
    ) -> Report:
        check_transition(self.status, target)
        return replace(
            self,
            status=target,
            resolution=resolution if resolution is not None else self.resolution,
            moderator_id=moderator_id,
            updated_at=now,
        )
