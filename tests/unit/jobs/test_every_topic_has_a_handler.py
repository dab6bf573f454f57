"""Every outbox command type has a registered handler.

A command without one would fail as UnknownTopic on the worker: the side effect (an e-mail, a
webhook's processing) would silently never happen. The command types are the subclasses of
``OutboxCommand`` in ``application/ports/outbox_commands.py``; the scan below also checks that no
producer under ``application/`` writes a topic by hand (a ``topic=`` string) around them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from application.ports import outbox_commands
from application.ports.outbox_commands import OUTBOX_COMMANDS, OutboxCommand
from entrypoints.containers import Container
from entrypoints.jobs.handlers import outbox_handlers

APPLICATION = Path(__file__).resolve().parents[3] / "application"


def _commands(base: type[OutboxCommand]) -> set[type[OutboxCommand]]:
    """Every command type below ``base`` (a shared base such as ``InboxCommand`` has no topic)."""
    found: set[type[OutboxCommand]] = set()
    for c in base.__subclasses__():
        found |= _commands(c)
        if c.__module__ == outbox_commands.__name__ and "TOPIC" in vars(c):
            found.add(c)
    return found


def test_the_registry_lists_every_command_type() -> None:
    declared = _commands(OutboxCommand)
    assert set(OUTBOX_COMMANDS) == declared
    assert {"email.send", "notification.create"} <= {c.TOPIC for c in OUTBOX_COMMANDS}
    assert len({c.TOPIC for c in OUTBOX_COMMANDS}) == len(OUTBOX_COMMANDS)


def test_no_producer_writes_a_topic_by_hand() -> None:
    by_hand = [
        str(path.relative_to(APPLICATION.parent))
        for path in sorted(APPLICATION.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and any(k.arg == "topic" for k in node.keywords)
    ]
    assert by_hand == []


def test_every_command_type_has_a_handler(memory_container: Container) -> None:
    handlers = outbox_handlers(memory_container)
    missing = [c.__name__ for c in OUTBOX_COMMANDS if c.TOPIC not in handlers]
    assert missing == [], f"register these in entrypoints/jobs/handlers.py: {missing}"
