"""The Lambda package build, run against a small source tree of its own."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from lambda_build.build import (
    PACKAGE_NAME,
    ZIP_FUNCTIONS,
    BuildError,
    build,
    pip_command,
    read_requirements,
)

SCRIPT = Path(__file__).resolve().parents[2] / "platform" / "lambda_build" / "build.py"
PYPROJECT = """
[project]
name = "fake"
version = "0"
dependencies = ["litestar>=2.25,<3", "msgspec>=0.22"]

[project.optional-dependencies]
prod = ["redis>=8.1,<9", "granian>=2.8,<3"]
model = ["torch==2.13.0"]
"""


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    files = {
        "pyproject.toml": PYPROJECT,
        "domains/__init__.py": "",
        "domains/email/__init__.py": "",
        "domains/email/model.py": "ADDRESS = 1\n",
        "domains/journal/__init__.py": "",
        "domains/journal/model.py": "import litestar\n",
        "adapters/__init__.py": "",
        "adapters/content/__init__.py": "",
        "adapters/content/data/quotes.json": "[]\n",
        "adapters/content/daily.py": "from . import data_loader\n",
        "adapters/content/data_loader.py": "",
        "adapters/sql/__init__.py": "",
        "adapters/sql/migrations/0001.sql": "create table t ();\n",
        "entrypoints/__init__.py": "",
        "entrypoints/lambdas/__init__.py": "",
        "entrypoints/lambdas/shared.py": (
            "from __future__ import annotations\n"
            "from typing import TYPE_CHECKING\n"
            "from domains.email.model import ADDRESS\n"
            "import redis\n"
            "if TYPE_CHECKING:\n"
            "    from domains.journal.model import Entry\n"
            "def daily():\n"
            "    from adapters.content.daily import quote\n"
            "    from model.api import load\n"
        ),
        "entrypoints/tests/test_handlers.py": "def test_x(): pass\n",
        "entrypoints/lambdas/__pycache__/email_api.cpython-311.pyc": "junk",
        "model/__init__.py": "import torch\n",
        "tests/test_everything.py": "def test_y(): pass\n",
    }
    for module in ZIP_FUNCTIONS:
        files[f"entrypoints/lambdas/{module}.py"] = (
            "from .shared import daily\ndef handler(event, context):\n    return {}\n"
        )
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


class FakeInstaller:
    """Plays pip: records what it was asked for and drops those distributions in the target."""

    def __init__(self, extra_distributions: Sequence[str] = ()) -> None:
        self.requirements: list[str] = []
        self.extra = extra_distributions

    def __call__(self, requirements: Sequence[str], target: Path) -> None:
        self.requirements = list(requirements)
        for name in ["redis", "litestar", *self.extra]:
            (target / name).mkdir()
            (target / name / "__init__.py").write_text(f"NAME = {name!r}\n")
            (target / name / "tests").mkdir()
            (target / name / "tests" / "test_it.py").write_text("")
        (target / "redis-8.1.0.dist-info").mkdir()
        (target / "redis-8.1.0.dist-info" / "METADATA").write_text("Name: redis\n")


def entries(package: Path) -> set[str]:
    with zipfile.ZipFile(package) as archive:
        return set(archive.namelist())


def test_the_zip_holds_what_the_handlers_import_and_the_distributions_they_import(
    source: Path, tmp_path: Path
):
    installer = FakeInstaller()
    result = build(source, tmp_path / "out", installer=installer)
    names = entries(result.package)
    assert {f"entrypoints/lambdas/{m}.py" for m in ZIP_FUNCTIONS} <= names
    # Imported at the top, inside a function, relatively; and the package's data.
    assert {
        "entrypoints/lambdas/shared.py",
        "domains/email/model.py",
        "adapters/content/daily.py",
        "adapters/content/data_loader.py",
        "adapters/content/data/quotes.json",
    } <= names
    assert {"redis/__init__.py", "redis-8.1.0.dist-info/METADATA"} <= names
    # litestar is declared but only a TYPE_CHECKING import names it.
    assert installer.requirements == ["redis>=8.1,<9"]


def test_the_zip_leaves_out_what_no_handler_imports(source: Path, tmp_path: Path):
    names = entries(build(source, tmp_path / "out", installer=FakeInstaller()).package)
    assert "domains/journal/model.py" not in names  # only under `if TYPE_CHECKING:`
    assert not [n for n in names if n.startswith("adapters/sql/")]


def test_the_zip_leaves_out_tests_foreign_bytecode_and_the_model(source: Path, tmp_path: Path):
    names = entries(build(source, tmp_path / "out", installer=FakeInstaller()).package)
    assert not [n for n in names if n.startswith(("model/", "tests/", "torch/"))]
    assert not [n for n in names if "/tests/" in n]
    assert "entrypoints/lambdas/__pycache__/email_api.cpython-311.pyc" in names
    with zipfile.ZipFile(build(source, tmp_path / "again", installer=FakeInstaller()).package) as z:
        assert z.read("entrypoints/lambdas/__pycache__/email_api.cpython-311.pyc") != b"junk"


def test_every_module_ships_with_bytecode_that_needs_no_timestamp(source: Path, tmp_path: Path):
    names = entries(build(source, tmp_path / "out", installer=FakeInstaller()).package)
    modules = [n for n in names if n.endswith(".py")]
    assert modules
    for module in modules:
        folder, _, file = module.rpartition("/")
        compiled = f"{folder}/__pycache__/{file[:-3]}.cpython-311.pyc"
        assert compiled in names, module
    with zipfile.ZipFile(tmp_path / "out" / PACKAGE_NAME) as archive:
        header = archive.read("domains/email/__pycache__/model.cpython-311.pyc")[:16]
    # PEP 552: flags 0b01 is a hash-based pyc that is not checked against the source, so the
    # zip's fixed timestamps never make Lambda's read-only runtime compile it again.
    assert int.from_bytes(header[4:8], "little") == 0b01


def test_an_import_that_no_declared_dependency_provides_fails_the_build(
    source: Path, tmp_path: Path
):
    (source / "domains/email/model.py").write_text("import not_a_declared_package\n")
    with pytest.raises(BuildError, match="not_a_declared_package"):
        build(source, tmp_path / "out", installer=FakeInstaller())


def test_a_dependency_that_pulls_in_torch_fails_the_build(source: Path, tmp_path: Path):
    with pytest.raises(BuildError, match="torch"):
        build(source, tmp_path / "out", installer=FakeInstaller(extra_distributions=["torch"]))


def test_asking_for_the_model_extra_fails_before_installing_anything(source: Path):
    with pytest.raises(BuildError, match="torch"):
        read_requirements(source / "pyproject.toml", extras=("prod", "model"))


def test_a_missing_handler_module_is_named(source: Path, tmp_path: Path):
    (source / "entrypoints/lambdas/feedback_api.py").unlink()
    with pytest.raises(BuildError, match=r"feedback_api\.py is missing"):
        build(source, tmp_path / "out", installer=FakeInstaller())


def test_a_module_without_a_handler_function_is_refused(source: Path, tmp_path: Path):
    (source / "entrypoints/lambdas/email_sender.py").write_text("def send(): pass\n")
    with pytest.raises(BuildError, match="defines no handler"):
        build(source, tmp_path / "out", installer=FakeInstaller())


def test_the_same_tree_builds_the_same_bytes(source: Path, tmp_path: Path):
    first = build(source, tmp_path / "one", installer=FakeInstaller())
    second = build(source, tmp_path / "two", installer=FakeInstaller())
    assert first.package.read_bytes() == second.package.read_bytes()
    assert first.sha256_base64 == second.sha256_base64


def test_pip_installs_wheels_for_lambdas_platform():
    command = pip_command(["redis>=8.1,<9"], Path("/tmp/target"))
    assert command[1:4] == ["-m", "pip", "install"]
    joined = " ".join(command)
    assert "--platform manylinux2014_x86_64" in joined
    assert "--python-version 3.11" in joined
    assert "--only-binary=:all:" in command
    assert "--target /tmp/target" in joined
    assert command[-1] == "redis>=8.1,<9"


def test_the_command_line_writes_the_package_and_a_manifest(source: Path, tmp_path: Path):
    out = tmp_path / "dist" / "lambdas"
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--source", str(source), "--out", str(out), "--skip-deps"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert (out / PACKAGE_NAME).is_file()
    assert (
        '"email_api": "entrypoints.lambdas.email_api.handler"'
        in (out / "manifest.json").read_text()
    )


def test_the_command_line_reports_a_failed_build(source: Path, tmp_path: Path):
    (source / "entrypoints/lambdas/email_api.py").unlink()
    completed = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--source",
            str(source),
            "--out",
            str(tmp_path),
            "--skip-deps",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "email_api.py is missing" in completed.stderr
