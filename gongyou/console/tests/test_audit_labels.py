"""Every action the product writes to the audit log reads as words on the audit page, not as its
machine name: the actions are found in the source (every `audit.record(actor, "<action>", …)`),
and the ones built from a kind or state (f"funds.{kind}", …) from their vocabularies."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gongyou.benefits.vocab import CampaignStatus, PlanStatus
from gongyou.cases.vocab import Action as CaseAction
from gongyou.console.templatetags.console_tags import action_label
from gongyou.funds.vocab import Kind as FundsKind

SOURCE = Path(__file__).resolve().parents[2]


def _record_calls() -> list[tuple[str, int, ast.expr]]:
    calls = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and len(node.args) >= 2
            ):
                calls.append((str(path.relative_to(SOURCE)), node.lineno, node.args[1]))
    return calls


def _constants(expr: ast.expr) -> list[str]:
    """The action strings a call's argument can be: a literal, or either side of a conditional."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        return _constants(expr.body) + _constants(expr.orelse)
    return []


CALLS = _record_calls()
WRITTEN = sorted({action for _path, _line, expr in CALLS for action in _constants(expr)})
# Built from a variable: f"<subject>.{…}" with the values it takes.
BUILT = {
    "funds": FundsKind.values,
    "cases": CaseAction.values,
    "campaign": CampaignStatus.values,
    "insurance_plan": PlanStatus.values,
    "membership": ["approved", "rejected", "suspended", "reinstated", "withdrawn", "lapsed"],
    "reveal": ["id_number", "phone"],
    "transfer": ["request", "accept", "rejected", "cancelled"],
}


def test_the_scan_finds_the_audit_calls():
    assert len(CALLS) > 100 and "voice.update_action_item" in WRITTEN and "roster.upsert" in WRITTEN
    dynamic = {(path, line) for path, line, expr in CALLS if not _constants(expr)}
    subjects = set()
    for path, line, expr in CALLS:
        if isinstance(expr, ast.JoinedStr) and isinstance(expr.values[0], ast.Constant):
            subjects.add(str(expr.values[0].value).rstrip("."))
    # A new f-string action needs its values listed in BUILT (login's come from the view: below).
    assert subjects <= set(BUILT), subjects - set(BUILT)
    assert len(dynamic) <= len(BUILT) + 1  # + the login view's action variable


@pytest.mark.parametrize("action", WRITTEN)
def test_every_written_action_has_words(action):
    assert action_label(action) != action


@pytest.mark.parametrize(("subject", "values"), sorted(BUILT.items()))
def test_every_built_action_has_words(subject, values):
    missing = [f"{subject}.{value}" for value in values if action_label(f"{subject}.{value}") == f"{subject}.{value}"]
    assert not missing


def test_derived_labels_read_subject_then_kind():
    assert action_label("funds.transfer") == "经费：转账"
    assert action_label("cases.accept") == "诉求：受理"
    assert action_label("funds.set_budget") == "设置项目预算"  # its own label first
    assert action_label("nothing.known") == "nothing.known"


def test_login_actions_have_words():
    from gongyou.console.views import auth

    for action in ("login.success", "login.failed", "login.locked", "login.refused", "login.password_ok", "login.totp_failed"):
        assert action_label(action) != action, action
    assert auth  # the view that writes them
