"""`manage.py check --deploy` is clean with the production environment of deploy/env.example
(issue 13 part 8): run in a fresh process, as a server would start."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def production_env(tmp_path: Path) -> dict[str, str]:
    """deploy/env.example with its placeholders filled, and no demo secret directory to fall back on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGYOU_", "DJANGO_")) and k != "DEBUG"}
    for line in (ROOT / "deploy" / "env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        GONGYOU_DATA_KEY=secrets.token_urlsafe(32),
        GONGYOU_BACKUP_KEY=secrets.token_urlsafe(32),
        GONGYOU_VAR_DIR=str(tmp_path),
    )
    # The check reads the database's key fingerprint: a fresh SQLite file stands in for PostgreSQL.
    env.pop("DATABASE_URL", None)
    return env


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert not (tmp_path / "secrets").exists()  # every secret came from the environment


def test_the_production_environment_fails_the_check_without_hsts_subdomains(tmp_path):
    # The test above proves something: dropping one production setting makes the check fail.
    env = production_env(tmp_path)
    env["SECURE_HSTS_INCLUDE_SUBDOMAINS"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "security.W005" in result.stderr
