"""GitHub signatures, push parsing and repository URLs (pure parts of the GitHub path)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.github.webhook_signature import GithubWebhookVerifier, github_signature
from domain.access.repository_url import InvalidRepositoryUrl, github_repository_url
from domain.project_activity.activity import MAX_COMMITS, MalformedPush, parse_push
from domain.project_activity.errors import InvalidGithubSignature
from tests.fixtures.github_signing import SECRET, push, signed


def test_a_github_signed_body_verifies() -> None:
    body, headers = signed("push", push())
    GithubWebhookVerifier(SECRET).verify(body, headers["X-Hub-Signature-256"])


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=", "sha1=abc", github_signature("other", b"{}"), "sha256=" + "0" * 64],
)
def test_anything_else_is_refused(signature: str | None) -> None:
    with pytest.raises(InvalidGithubSignature) as refused:
        GithubWebhookVerifier(SECRET).verify(b"{}", signature)
    assert refused.value.status == 403 and refused.value.code == "INVALID_SIGNATURE"


@given(st.binary(max_size=200), st.binary(min_size=1, max_size=200))
def test_a_signature_is_for_its_body_only(body: bytes, other: bytes) -> None:
    verifier = GithubWebhookVerifier(SECRET)
    verifier.verify(body, github_signature(SECRET, body))
    if other != body:
        with pytest.raises(InvalidGithubSignature):
            verifier.verify(other, github_signature(SECRET, body))


@pytest.mark.parametrize(
    ("given_url", "canonical"),
    [
        ("https://github.com/Acme/Arena", "https://github.com/acme/arena"),
        ("https://github.com/acme/arena.git", "https://github.com/acme/arena"),
        ("https://www.github.com/acme/arena/", "https://github.com/acme/arena"),
        ("  https://github.com/a-b/c.d_e  ", "https://github.com/a-b/c.d_e"),
    ],
)
def test_repository_urls_are_canonical(given_url: str, canonical: str) -> None:
    assert github_repository_url(given_url) == canonical


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "http://github.com/a/b",
        "https://gitlab.com/a/b",
        "https://github.com/a",
        "https://github.com/a/b/c",
        "https://github.com/a/..",
        "git@github.com:a/b.git",
    ],
)
def test_other_urls_are_refused(bad: str) -> None:
    with pytest.raises(InvalidRepositoryUrl):
        github_repository_url(bad)


def test_a_push_is_read_and_bounded() -> None:
    payload = push("Acme/Arena", commits=25)
    payload["commits"][0]["message"] = "m" * 2000
    parsed = parse_push(payload)
    assert parsed.repository_url == "https://github.com/acme/arena"
    assert parsed.repository == "Acme/Arena" and parsed.pusher == "ravi"
    assert len(parsed.commits) == MAX_COMMITS and len(parsed.commits[0]["message"]) == 500
    assert parsed.head_commit is not None and parsed.head_commit["author"] == "ravi"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"ref": "refs/heads/main"},
        {**push(), "commits": "x"},
        {**push(), "repository": {"html_url": "https://evil.example/a/b"}},
    ],
)
def test_malformed_pushes(payload: dict[str, object]) -> None:
    with pytest.raises(MalformedPush):
        parse_push(payload)
