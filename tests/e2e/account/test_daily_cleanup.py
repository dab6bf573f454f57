"""The daily cleanup through the app's own container and the CLI: one warning between day 80 and
90, erasure past day 90 that keeps the ledger verifiable, and a second run the same day that
finds nothing new."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from click.testing import CliRunner

from application.pagination import PageRequest
from entrypoints.cli.main import main
from tests.e2e.access.helpers import Actor
from tests.e2e.account.helpers import BASE, call, queued, step_up
from tests.e2e.invitations.helpers import container_of, person, travel


async def _delete(actor: Actor, email: str) -> None:
    verification = await step_up(actor, email)
    status, body, _ = await call(actor, "DELETE", f"{BASE}/account", token=verification)
    assert status == 200, body


async def _cleanup(client: Any) -> dict[str, int]:
    counts: dict[str, int] = await container_of(client).account.daily_cleanup()()
    return counts


def _warnings(messages: list[Any]) -> list[Any]:
    return [m for m in messages if m.payload["template"] == "account-deletion-warning"]


async def test_warning_once_then_erasure_keeps_the_ledger(
    app_client: Any, token: Any, database_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = Actor(app_client, token("root@example.com", admin=True))
    ada = await person(app_client, token, "ada@example.com", name="Ada Lovelace")
    bob = await person(app_client, token, "bob@example.com", name="Bob")
    grant = {"userId": ada.user_id, "amount": 40, "type": "BONUS", "reason": "prize"}
    await admin.ok("POST", "/admin/credits/grant", grant, status=201)
    await ada.ok("PUT", "/settings", {"wantToGetFeedbackMail": False})
    await bob.ok("GET", f"/profile/view/{ada.user_id}")
    await _delete(ada, "ada@example.com")

    travel(app_client, 85)
    first = await _cleanup(app_client)
    assert first["deletionWarningsSent"] == 1, first
    assert first["activityEntriesDeleted"] >= 1  # the deletion's own entries, past 60 days
    second = await _cleanup(app_client)
    assert set(second.values()) == {0}, second  # the same day again: nothing new
    travel(app_client, 88)
    assert (await _cleanup(app_client))["deletionWarningsSent"] == 0  # one per deletion
    assert len(_warnings(await queued(app_client, "email.send"))) == 1

    travel(app_client, 91)
    erased = await _cleanup(app_client)
    assert erased["usersErased"] == 1 and erased["erased.users"] == 1, erased
    again = await _cleanup(app_client)
    assert set(again.values()) == {0}, again
    container = container_of(app_client)
    async with container.infrastructure.uow()() as uow:
        gone = await uow.users.get(ada.user_id)
        assert gone is not None and gone.email is None and gone.first_name is None
        assert gone.subject == f"erased:{ada.user_id}" and gone.is_deleted
        assert await uow.profiles.get(ada.user_id) is None
        assert await uow.settings.get(ada.user_id) is None
        assert (await uow.activity.list_for_user(ada.user_id, PageRequest())).items == []
        balance = await uow.ledger.balance(f"user:{ada.user_id}")
    assert balance.balance == 40  # the ledger keeps its entries (accounting)
    # A token for the erased identity opens a new, empty account: nothing old comes back.
    assert (await ada.ok("GET", "/profile"))["userId"] != ada.user_id

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    out = await asyncio.to_thread(CliRunner().invoke, main, ["ledger", "verify"])
    assert out.exit_code == 0, out.output


def test_the_cli_runs_the_cleanup_once_per_day(
    database_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    runner = CliRunner()
    first = runner.invoke(main, ["account", "cleanup"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["ran"] is True and report["usersErased"] == 0
    second = json.loads(runner.invoke(main, ["account", "cleanup"]).stdout)
    assert second == {"job": "account.daily_cleanup", "slot": report["slot"], "ran": False}
