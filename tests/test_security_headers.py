"""Headers that keep pages from being framed, sniffed or fed foreign scripts."""

import subprocess
import sys

from django.urls import reverse


def test_every_page_forbids_foreign_and_inline_scripts_and_framing(client, world):
    response = client.get(reverse("front:centre", args=[world.village_a.code]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(client, world):
    client.force_login(world.andy)
    for url in [reverse("front:centre", args=[world.village_a.code]), reverse("front:desk"),
                reverse("front:desk_find"), reverse("front:login")]:
        body = client.get(url).content.decode()
        assert "<script>" not in body and " style=" not in body and "<style" not in body, url


def test_production_settings_pass_the_deploy_checks(tmp_path):
    env = {
        "DEBUG": "0", "HTTPS": "true", "SECRET_KEY": "x" * 60 + "-deploy-check-key-with-enough-entropy-1234567890",
        "ALLOWED_HOSTS": "xiangli.example.gov.cn", "XIANGLI_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
