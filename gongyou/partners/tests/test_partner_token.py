import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from gongyou.api.tests.conftest import client_for
from gongyou.core.testing import make_uscc
from gongyou.partners.models import PartnerCredential


def run(*args):
    out = StringIO()
    call_command("partner_token", *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_usable_token_alone_on_the_last_line(world):
    output = run(world.platform.uscc, "--name", "名册同步")
    token = output.rstrip("\n").splitlines()[-1]
    assert token.startswith("gyp_") and " " not in token
    credential = PartnerCredential.objects.get()
    assert (credential.enterprise, credential.name) == (world.platform, "名册同步")
    response = client_for(token).post("/api/v1/partner/roster", {"workers": []}, format="json")
    assert response.status_code == 200


def test_it_accepts_a_lower_case_uscc_with_spaces(world):
    run(" " + world.platform.uscc.lower() + " ")
    assert PartnerCredential.objects.get().enterprise == world.platform


def test_an_unknown_uscc_is_a_clear_error(world):
    with pytest.raises(CommandError, match="找不到统一社会信用代码"):
        run(make_uscc(999))
    assert not PartnerCredential.objects.exists()


def test_an_invalid_uscc_is_a_clear_error(world):
    with pytest.raises(CommandError, match="统一社会信用代码无效"):
        run("91310000ABC")
    assert not PartnerCredential.objects.exists()


def test_it_exits_non_zero_from_the_shell(tmp_path):
    """The real process: a Chinese error on stderr and exit status 1 (call_command raises instead).
    An invalid USCC fails before any query, so the subprocess needs no test database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "partner_token", "91310000ABC"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "GONGYOU_VAR_DIR": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode == 1
    assert "统一社会信用代码无效" in result.stderr
    assert result.stdout == ""
