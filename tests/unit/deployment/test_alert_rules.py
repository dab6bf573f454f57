"""docs/alerts.yml: valid Prometheus rule groups whose every metric is one this service exports
and whose every runbook is a heading of docs/operations.md; promtool parses the PromQL."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from entrypoints.observability import REGISTRY

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / "docs" / "alerts.yml"
#: A metric selector: a name followed by its label matcher or range.
SELECTOR = re.compile(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[\{\[]")
#: Series Prometheus makes itself.
BUILT_IN = {"up"}
DURATION = re.compile(r"^\d+[smhd]$")


@pytest.fixture(scope="module")
def rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text())
    assert set(document) == {"groups"}
    found = []
    for group in document["groups"]:
        assert set(group) == {"name", "rules"} and group["rules"], group
        found += group["rules"]
    return found


def exported_series() -> set[str]:
    names = set()
    for metric in REGISTRY.collect():
        names.add(metric.name)
        names.update(sample.name for sample in metric.samples)
        if metric.type == "histogram":
            names.update(f"{metric.name}_{suffix}" for suffix in ("bucket", "count", "sum"))
        if metric.type == "counter":
            names.add(f"{metric.name}_total")
    return names


def runbooks() -> set[str]:
    text = (ROOT / "docs" / "operations.md").read_text()
    return {line[4:].strip() for line in text.splitlines() if line.startswith("### ")}


def test_every_rule_is_a_complete_alert(rules: list[dict[str, Any]]) -> None:
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert DURATION.match(rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in ("page", "ticket"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


def test_every_expression_reads_series_this_service_exports(
    rules: list[dict[str, Any]],
) -> None:
    exported = exported_series() | BUILT_IN
    for rule in rules:
        used = set(SELECTOR.findall(rule["expr"])) - {"by", "sum", "max", "rate", "increase"}
        assert used, f"{rule['alert']}: no metric selector"
        assert used <= exported, f"{rule['alert']}: unknown {sorted(used - exported)}"
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]


def test_every_alert_names_a_runbook_that_exists(rules: list[dict[str, Any]]) -> None:
    headings = runbooks()
    for rule in rules:
        assert rule["annotations"]["runbook"] in headings, rule["alert"]


def test_promtool_accepts_the_rules() -> None:
    """PromQL parsed by Prometheus itself (Debian package ``prometheus``; .ci/run installs it)."""
    promtool = shutil.which("promtool")
    assert promtool, "promtool is required: apt-get install prometheus (Debian package)"
    done = subprocess.run(
        [promtool, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
