"""The domains as the house style wants them: each bounded context imports only the standard
library, domains.shared and itself. An allow-list, so a new dependency of any kind (a framework,
a driver, a neighbouring context) fails here rather than waiting for a deny-list to name it;
import-linter's independence contract (.importlinter) must list every context."""

from __future__ import annotations

import ast
import configparser
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ROOT / "domains"
CONTEXTS = sorted(
    p.name for p in DOMAINS.iterdir() if (p / "__init__.py").is_file() and p.name != "shared"
)


def imported(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def allowed(module: str, context: str) -> bool:
    top, _, rest = module.partition(".")
    if top == "domains":
        return rest.split(".")[0] in ("shared", context)
    return top == "__future__" or top in sys.stdlib_module_names


def test_each_context_imports_only_the_standard_library_shared_and_itself() -> None:
    outside = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in DOMAINS.rglob("*.py")
        for module in imported(path)
        if not allowed(module, path.relative_to(DOMAINS).parts[0])
    ]
    assert not outside, outside


def test_the_allow_list_refuses_what_it_should() -> None:
    assert allowed("datetime", "habits") and allowed("domains.shared.errors", "habits")
    assert not allowed("domains.journal.model", "habits")
    assert not allowed("msgspec", "habits") and not allowed("sqlalchemy.orm", "habits")


def test_the_independence_contract_lists_every_context() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    listed = config["importlinter:contract:independent-contexts"]["modules"].split()
    assert sorted(listed) == [f"domains.{name}" for name in CONTEXTS]
