"""A project's linked source repository (API.md "Community": ``repositoryUrl``).

Only GitHub repositories can be linked (their pushes become project activity); the URL is kept in
one canonical form, ``https://github.com/<owner>/<name>`` in lower case, so a push is matched to
its projects by equality whatever spelling the owner typed or GitHub sent.
"""

from __future__ import annotations

import re

from domain.access.errors import AccessError
from domain.errors import ValidationFailed

REPOSITORY_URL_MAX = 300
_GITHUB = re.compile(
    r"^https://(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100}?)"
    r"(?:\.git)?/?$"
)


class InvalidRepositoryUrl(
    AccessError,
    ValidationFailed,
    message="repositoryUrl must be https://github.com/<owner>/<repository>",
    field="repositoryUrl",
):
    pass


def github_repository_url(value: str) -> str:
    """The canonical form of a GitHub repository URL; anything else is refused."""
    match = _GITHUB.match(value.strip())
    if match is None or match.group(2) in (".", ".."):
        raise InvalidRepositoryUrl()
    return f"https://github.com/{match.group(1)}/{match.group(2)}".lower()
