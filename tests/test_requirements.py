"""requirements.txt is what production installs: the site runs on it alone, without test or lint tools."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _names(path: Path) -> set[str]:
    """The distribution names a requirements file pins (not the files it includes)."""
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[=<>~! ]", line, maxsplit=1)[0].lower())
    return names


def test_it_keeps_test_and_lint_tools_out_of_the_production_requirements():
    production = _names(ROOT / "requirements.txt")

    assert not production & {"pytest", "pytest-django", "playwright", "hypothesis", "ruff", "pgserver"}
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert {"pytest", "pytest-django", "playwright", "hypothesis", "ruff", "pgserver"} <= _names(
        ROOT / "requirements-dev.txt"
    )


def test_it_passes_the_deploy_checks_without_any_development_package():
    """Every URL, view and setting loads in a process that refuses to import what only development installs."""
    development_only = sorted(name.replace("-", "_") for name in _names(ROOT / "requirements-dev.txt"))
    program = (
        "import sys\n"
        "class Refuse:\n"
        f"    blocked = {development_only!r}\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in self.blocked:\n"
        "            raise ImportError(f'{name} is installed only for development')\n"
        "sys.meta_path.insert(0, Refuse())\n"
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])\n"
    )
    # Playwright's tests in the same run set DJANGO_ALLOW_ASYNC_UNSAFE, which production never does.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "clinics.example.org",
        "DATABASE_URL": "postgres://directory@db.example.org:5432/directory",
        "EMAIL_HOST": "mail.example.org",
        "DJANGO_SETTINGS_MODULE": "directory.settings",
    }

    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
