"""The `govern` entry point's start-up shortcuts change nothing a command does."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "credit-scoring"


def run_python(code: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    environment.update(env)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, cwd=REPO
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_check_through_the_entry_point_loads_no_plugin_machinery() -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['govern', 'check', {str(EXAMPLE)!r}, '-o', 'json=/dev/null']\n"
        "from govern.__main__ import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('importlib.metadata' in sys.modules)\n"
    )
    assert run_python(code).strip() == "False"


def test_the_plugin_loader_stand_in_hands_over_when_plugins_are_allowed_again() -> None:
    code = (
        "import os, sys\n"
        "from govern.__main__ import skip_plugin_loader\n"
        "skip_plugin_loader()\n"
        "from pydantic import BaseModel\n"
        "class Before(BaseModel):\n"
        "    x: int\n"
        "assert not hasattr(sys.modules['pydantic.plugin._loader'], 'entry_points')\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = 'some-plugin'\n"
        "class After(BaseModel):\n"
        "    x: int\n"
        "print(hasattr(sys.modules['pydantic.plugin._loader'], 'entry_points'),\n"
        "      After(x=1).x + Before(x=1).x)\n"
    )
    assert run_python(code, PYDANTIC_DISABLE_PLUGINS="__all__").split() == ["True", "2"]


def test_with_plugins_allowed_pydantic_loads_its_own_loader() -> None:
    code = (
        "import sys\n"
        "from govern.__main__ import skip_plugin_loader\n"
        "skip_plugin_loader()\n"
        "print(sys.modules.get('pydantic.plugin._loader'))\n"
    )
    assert run_python(code, PYDANTIC_DISABLE_PLUGINS="").strip() == "None"
