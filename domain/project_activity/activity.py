"""Project activity from linked GitHub repositories: a push, read out of GitHub's payload.

Only what the activity shows is kept (pusher, ref, head commit, at most ``MAX_COMMITS`` commits
with clipped messages); the delivery itself stays in the webhook inbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.access.repository_url import InvalidRepositoryUrl, github_repository_url

PUSH = "github.push"
MAX_COMMITS = 20
MESSAGE_MAX = 500
FIELD_MAX = 200
REF_MAX = 255


class MalformedPush(ValueError):
    """The stored body is not a push payload this code can read."""


@dataclass(frozen=True)
class GithubPush:
    repository_url: str  # canonical, as projects store it
    repository: str  # owner/name as GitHub spells it
    ref: str
    pusher: str
    commits: tuple[Mapping[str, Any], ...]
    head_commit: Mapping[str, Any] | None


@dataclass(frozen=True)
class ProjectActivity:
    id: str
    project_id: str
    webhook_id: str  # the inbox delivery it came from: one entry per delivery and project
    kind: str
    repository: str
    ref: str
    pusher: str
    commit_count: int
    head_commit: Mapping[str, Any] | None
    commits: tuple[Mapping[str, Any], ...]
    created_at: datetime

    @classmethod
    def of_push(
        cls, push: GithubPush, *, id: str, project_id: str, webhook_id: str, now: datetime
    ) -> ProjectActivity:
        return cls(
            id=id,
            project_id=project_id,
            webhook_id=webhook_id,
            kind=PUSH,
            repository=push.repository,
            ref=push.ref,
            pusher=push.pusher,
            commit_count=len(push.commits),
            head_commit=push.head_commit,
            commits=push.commits,
            created_at=now,
        )


def _text(value: Any, limit: int = FIELD_MAX) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _commit(raw: Any) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise MalformedPush("a commit is not an object")
    author = _object(raw.get("author"))
    # a plain dict (not a MappingProxyType): stored entities are copied and pickled
    return {
        "id": _text(raw.get("id"), 64),
        "message": _text(raw.get("message"), MESSAGE_MAX),
        "author": _text(author.get("username") or author.get("name")),
        "url": _text(raw.get("url"), 500),
        "timestamp": _text(raw.get("timestamp"), 40),
    }


def parse_push(payload: Mapping[str, Any]) -> GithubPush:
    """GitHub's ``push`` event payload, or ``MalformedPush``."""
    repository = payload.get("repository")
    if not isinstance(repository, Mapping) or not isinstance(payload.get("ref"), str):
        raise MalformedPush("repository and ref are required")
    try:
        url = github_repository_url(str(repository.get("html_url") or ""))
    except InvalidRepositoryUrl:
        raise MalformedPush("repository.html_url is not a GitHub repository URL") from None
    commits = payload.get("commits") or []
    if not isinstance(commits, list):
        raise MalformedPush("commits must be a list")
    pusher = _object(payload.get("pusher"))
    head = payload.get("head_commit")
    return GithubPush(
        repository_url=url,
        repository=_text(repository.get("full_name")) or url.removeprefix("https://github.com/"),
        ref=_text(payload["ref"], REF_MAX),
        pusher=_text(pusher.get("name") or pusher.get("email")),
        commits=tuple(_commit(c) for c in commits[:MAX_COMMITS]),
        head_commit=_commit(head) if head is not None else None,
    )
