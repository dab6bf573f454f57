"""Every outbox topic that application code writes has a registered handler.

A topic without one would fail as UnknownTopic on the worker: the side effect (an e-mail, a
webhook's processing) would silently never happen. The topics are found by reading the source:
every ``topic=`` keyword argument under ``application/``.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from entrypoints.containers import Container
from entrypoints.jobs.handlers import outbox_handlers

APPLICATION = Path(__file__).resolve().parents[3] / "application"


def topics_written_by_application_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(APPLICATION.rglob("*.py")):
        module_name = ".".join(path.relative_to(APPLICATION.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "topic":
                    continue
                value = keyword.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found[value.value] = module_name
                elif isinstance(value, ast.Name):
                    resolved = getattr(importlib.import_module(module_name), value.id, None)
                    if isinstance(resolved, str):
                        found[resolved] = module_name
    return found


def test_the_scan_sees_the_known_producers() -> None:
    topics = topics_written_by_application_code()
    assert {"email.send", "notification.create"} <= set(topics)


def test_every_topic_written_has_a_handler(memory_container: Container) -> None:
    handlers = outbox_handlers(memory_container)
    missing = {
        topic: module
        for topic, module in topics_written_by_application_code().items()
        if topic not in handlers
    }
    assert missing == {}, f"register these in entrypoints/jobs/handlers.py: {missing}"
