"""Builds the zip that the email, feedback and SES-notification Lambdas run from.

    python platform/lambda_build/build.py --out dist/lambdas

The zip holds what the four handlers import and nothing else: the application modules reachable
from `entrypoints.lambdas.<function>` (every import statement counts, those inside functions too;
those under `if TYPE_CHECKING:` do not), the data files of those packages, and the distributions
those modules import, as pyproject.toml pins them, installed with their own dependencies for
Lambda's platform (manylinux, CPython 3.11, x86_64). Every module ships compiled to bytecode
(unchecked-hash .pyc files): Lambda's /var/task is read-only, so a zip without them compiles every
module again at each cold start. It never holds tests, the language model or torch: the ai-handler
is a container image of its own (platform/lambda_build/ai_handler.Dockerfile). The zip is
reproducible (sorted entries, fixed timestamps, hash-based bytecode), so an unchanged tree gives
the same bytes and `pulumi up` sees no change.
"""

from __future__ import annotations

import argparse
import ast
import base64
import compileall
import hashlib
import importlib.metadata
import json
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

PACKAGE_NAME = "refocused-lambdas.zip"
APPLICATION_PACKAGES = ("domains", "adapters", "entrypoints")
ZIP_FUNCTIONS = ("email_api", "email_sender", "ses_notifications", "feedback_api")
# Never in the zip: the model's stack belongs to the ai-handler image only.
FORBIDDEN_DISTRIBUTIONS = frozenset({"torch", "triton", "nvidia", "torchgen", "functorch"})
# The project's own packages that never ship in the zip: the handlers that use the model import it
# inside functions, in the ai-handler image only.
NOT_SHIPPED = frozenset({"model"})
# The API's HTTP server and the event loop it picks: Lambda invokes the handlers itself, so they
# are dead weight there.
NOT_IN_LAMBDA = frozenset({"granian", "uvloop"})
EXCLUDED_DIRECTORIES = frozenset({"__pycache__", "tests", "test", ".pytest_cache", ".mypy_cache"})
# The web client (sources, and node_modules and builds where they exist): the API serves it and
# Amplify hosts it; no handler reads it.
WEB_CLIENT = ("entrypoints", "web")
# Bytecode found in the tree or a wheel is never shipped; the build compiles its own.
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
# Lambda's limit for an unzipped package.
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
LAMBDA_PLATFORM = "manylinux2014_x86_64"
LAMBDA_PYTHON = "3.11"
LAMBDA_TASK_ROOT = "/var/task"

Installer = Callable[[Sequence[str], Path], None]


class BuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class BuildResult:
    package: Path
    sha256_base64: str
    zipped_bytes: int
    unzipped_bytes: int
    files: int


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise BuildError(f"cannot read requirement {requirement!r}")
    return _normalise(match.group(1))


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_requirements(pyproject: Path, extras: Sequence[str] = ("prod",)) -> list[str]:
    """The project's own dependencies plus the named extras, as pyproject.toml writes them."""
    project = tomllib.loads(pyproject.read_text())["project"]
    requirements = list(project.get("dependencies", []))
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise BuildError(f"pyproject.toml has no extra {extra!r}")
        requirements.extend(optional[extra])
    forbidden = [r for r in requirements if requirement_name(r) in FORBIDDEN_DISTRIBUTIONS]
    if forbidden:
        raise BuildError(f"the Lambda zip must not depend on {forbidden}: use the ai-handler image")
    return [r for r in requirements if requirement_name(r) not in NOT_IN_LAMBDA]


@dataclass(frozen=True)
class Reach:
    """What the handlers need: application files (relative paths) and third-party top-levels."""

    files: frozenset[Path]
    third_party: frozenset[str]


def _module_file(source: Path, module: str) -> Path | None:
    base = source.joinpath(*module.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(path: Path, module: str) -> Iterator[str]:
    """Every module name an import statement in `path` may load, at any depth of the code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def walk(nodes: Iterable[ast.AST]) -> Iterator[str]:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                yield from walk(node.orelse)
                continue
            if isinstance(node, ast.Import):
                yield from (alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    anchor = ".".join(parts[: len(parts) - node.level + 1])
                    base = f"{anchor}.{node.module}" if node.module else anchor
                else:
                    base = node.module or ""
                yield base
                yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
            yield from walk(ast.iter_child_nodes(node))

    yield from walk(ast.parse(path.read_text(), str(path)).body)


def _loads_its_package_by_name(path: Path) -> bool:
    # adapters/sql/tables/__init__.py imports each of its modules by name: take them all.
    return path.name == "__init__.py" and 'import_module(f"{__name__}.' in path.read_text()


def _data_files(package_dir: Path) -> Iterator[Path]:
    """A package's files that are not Python, down to (not into) its sub-packages."""
    for path in sorted(package_dir.iterdir()):
        if path.is_dir():
            if (
                not (path / "__init__.py").exists()
                and path.name not in EXCLUDED_DIRECTORIES
                and path.parts[-2:] != WEB_CLIENT
            ):
                yield from (p for p in sorted(path.rglob("*")) if p.is_file())
        elif path.suffix not in (".py", *EXCLUDED_SUFFIXES) and path.name != "BUILD":
            yield path


def reachable(
    source: Path,
    functions: Iterable[str],
    packages: Sequence[str] = APPLICATION_PACKAGES,
    not_shipped: frozenset[str] = NOT_SHIPPED,
) -> Reach:
    """Follows import statements from each handler through the application's packages."""
    queue = [f"entrypoints.lambdas.{function}" for function in functions]
    seen: set[str] = set()
    files: set[Path] = set()
    third_party: set[str] = set()
    while queue:
        module = queue.pop()
        if module in seen or not module:
            continue
        seen.add(module)
        top = module.split(".")[0]
        if top not in packages:
            if top not in sys.stdlib_module_names | not_shipped | {"__future__"}:
                third_party.add(top)
            continue
        parts = module.split(".")
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
        queue.extend(".".join(parts[:depth]) for depth in range(1, len(parts)))
        path = _module_file(source, module)
        if path is None:
            continue  # `from package import name` where name is not a module
        files.add(path.relative_to(source))
        if path.name == "__init__.py":
            files.update(p.relative_to(source) for p in _data_files(path.parent))
            if _loads_its_package_by_name(path):
                queue.extend(f"{module}.{p.stem}" for p in path.parent.glob("*.py"))
        queue.extend(imported_names(path, module))
    return Reach(frozenset(files), frozenset(third_party))


def _distributions_of(top_level: str) -> set[str]:
    names = importlib.metadata.packages_distributions().get(top_level, [])
    return {_normalise(name) for name in names} or {_normalise(top_level)}


def _dependencies(distribution: str) -> set[str]:
    """A distribution's own requirements (not its extras'), as the build environment has them."""
    try:
        requires = importlib.metadata.requires(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return set()
    return {requirement_name(r) for r in requires if "extra ==" not in r.replace("'", '"')}


def dependency_closure(distribution: str) -> set[str]:
    found, queue = set(), [distribution]
    while queue:
        name = queue.pop()
        if name not in found:
            found.add(name)
            queue.extend(_dependencies(name))
    return found


def requirements_for(third_party: Iterable[str], declared: Sequence[str]) -> list[str]:
    """The declared requirements that provide the imported top-level names, in declared order.

    A name that a declared distribution brings in as its own dependency (botocore with boto3)
    is provided by that declared requirement."""
    by_name = {requirement_name(r): r for r in declared}
    wanted: set[str] = set()
    for top_level in sorted(third_party):
        distributions = _distributions_of(top_level)
        provided = distributions & set(by_name)
        if not provided:
            provided = {name for name in by_name if distributions & dependency_closure(name)}
        if not provided:
            raise BuildError(
                f"the Lambda handlers import {top_level!r}, which no dependency the zip installs"
                " provides: declare it in pyproject.toml"
            )
        wanted |= provided
    return [r for r in declared if requirement_name(r) in wanted]


AI_HANDLER = "ai_handler"
AI_HANDLER_REQUIREMENTS = Path("platform/lambda_build/ai_handler-requirements.txt")


def ai_handler_requirements(source: Path) -> list[str]:
    """What the ai-handler image installs: the distributions its handler reaches, the model's
    serving code included, as pyproject.toml pins them (no training, data or plotting stack)."""
    reach = reachable(
        source, [AI_HANDLER], packages=(*APPLICATION_PACKAGES, "model"), not_shipped=frozenset()
    )
    declared = read_requirements_unchecked(source / "pyproject.toml", ("prod", "model"))
    return requirements_for(reach.third_party, declared)


def read_requirements_unchecked(pyproject: Path, extras: Sequence[str]) -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    optional = project.get("optional-dependencies", {})
    found = list(project.get("dependencies", []))
    for extra in extras:
        found.extend(optional[extra])
    return [r for r in found if requirement_name(r) not in NOT_IN_LAMBDA]


def ai_handler_requirements_text(source: Path) -> str:
    return (
        "# Written by `python platform/lambda_build/build.py --ai-handler-requirements`: what the\n"
        "# ai-handler image installs (its handler's imports, pinned as pyproject.toml pins them).\n"
        "# A test fails when this file and the code part ways.\n"
        + "".join(f"{requirement}\n" for requirement in ai_handler_requirements(source))
    )


def pip_command(requirements: Sequence[str], target: Path) -> list[str]:
    """pip, installing wheels built for Lambda's platform whatever machine runs the build."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(target),
        "--platform",
        LAMBDA_PLATFORM,
        "--implementation",
        "cp",
        "--python-version",
        LAMBDA_PYTHON,
        "--only-binary=:all:",
        *requirements,
    ]


def pip_install(requirements: Sequence[str], target: Path) -> None:
    subprocess.run(pip_command(requirements, target), check=True)  # noqa: S603


def check_handlers(source: Path, functions: Iterable[str]) -> None:
    for module in functions:
        path = source / "entrypoints" / "lambdas" / f"{module}.py"
        if not path.is_file():
            raise BuildError(f"handler module {path} is missing")
        if not re.search(r"^(async )?def handler\(", path.read_text(), re.MULTILINE):
            raise BuildError(f"{path} defines no handler(event, context)")


def _included(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not (set(parts) & EXCLUDED_DIRECTORIES) and not path.name.endswith(EXCLUDED_SUFFIXES)


def _shipped(path: Path, root: Path) -> bool:
    """In the zip: what was staged, and the bytecode the build compiled (in __pycache__)."""
    parts = path.relative_to(root).parts
    if path.suffix == ".pyc":
        return parts[-2:-1] == ("__pycache__",) and not (set(parts[:-2]) & EXCLUDED_DIRECTORIES)
    return _included(path, root)


def copy_application(source: Path, staging: Path, files: Iterable[Path]) -> None:
    for package in APPLICATION_PACKAGES:
        if not (source / package / "__init__.py").is_file():
            raise BuildError(f"{source / package} is not a Python package")
    for relative in sorted(files):
        if _included(source / relative, source):
            destination = staging / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / relative, destination)


def compile_bytecode(staging: Path) -> None:
    """CPython 3.11 bytecode beside every module, valid whatever the files' timestamps."""
    if sys.version_info[:2] != (3, 11):
        raise BuildError(
            f"run the build with Python {LAMBDA_PYTHON}: the bytecode must match Lambda's runtime"
        )
    compileall.compile_dir(
        staging,
        # Tracebacks name the files where Lambda unpacks them, and the bytes do not depend on
        # where the build ran.
        stripdir=str(staging),
        prependdir=LAMBDA_TASK_ROOT,
        quiet=2,
        workers=1,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )


def check_dependencies(staging: Path) -> None:
    present = sorted(p.name for p in staging.iterdir() if p.name in FORBIDDEN_DISTRIBUTIONS)
    if present:
        raise BuildError(f"{present} were pulled into the Lambda zip by a dependency")


def _drop_foreign_bytecode(staging: Path) -> None:
    for path in list(staging.rglob("*")):
        if path.is_file() and path.name.endswith(EXCLUDED_SUFFIXES):
            path.unlink()


def write_zip(staging: Path, package: Path) -> tuple[int, int]:
    files = sorted(p for p in staging.rglob("*") if p.is_file() and _shipped(p, staging))
    unzipped = sum(p.stat().st_size for p in files)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise BuildError(f"{unzipped} bytes unzipped: over Lambda's {MAX_UNZIPPED_BYTES}")
    package.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(staging).as_posix(), FIXED_TIMESTAMP)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
    return len(files), unzipped


def build(
    source: Path,
    out: Path,
    installer: Installer | None = pip_install,
    extras: Sequence[str] = ("prod",),
) -> BuildResult:
    """Builds out/refocused-lambdas.zip; installer None leaves dependencies out."""
    check_handlers(source, ZIP_FUNCTIONS)
    reach = reachable(source, ZIP_FUNCTIONS)
    requirements = requirements_for(
        reach.third_party, read_requirements(source / "pyproject.toml", extras)
    )
    with tempfile.TemporaryDirectory(prefix="refocused-lambdas-") as temporary:
        staging = Path(temporary)
        if installer is not None:
            installer(requirements, staging)
            check_dependencies(staging)
            _drop_foreign_bytecode(staging)
        copy_application(source, staging, reach.files)
        compile_bytecode(staging)
        package = out / PACKAGE_NAME
        files, unzipped = write_zip(staging, package)
    digest = base64.b64encode(hashlib.sha256(package.read_bytes()).digest()).decode()
    result = BuildResult(package, digest, package.stat().st_size, unzipped, files)
    manifest = {
        "package": PACKAGE_NAME,
        "sha256_base64": digest,
        "functions": {m: f"entrypoints.lambdas.{m}.handler" for m in ZIP_FUNCTIONS},
        "requirements": requirements if installer is not None else [],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("dist/lambdas"))
    parser.add_argument("--source", type=Path, default=Path("."), help="the repository root")
    parser.add_argument(
        "--skip-deps", action="store_true", help="application code only (a quick check)"
    )
    parser.add_argument(
        "--ai-handler-requirements",
        action="store_true",
        help=f"write {AI_HANDLER_REQUIREMENTS} for the ai-handler image instead of the zip",
    )
    args = parser.parse_args(argv)
    if args.ai_handler_requirements:
        source = args.source.resolve()
        (source / AI_HANDLER_REQUIREMENTS).write_text(ai_handler_requirements_text(source))
        print(f"wrote {AI_HANDLER_REQUIREMENTS}")
        return 0
    try:
        result = build(
            args.source.resolve(),
            args.out.resolve(),
            installer=None if args.skip_deps else pip_install,
        )
    except (BuildError, subprocess.CalledProcessError) as error:
        print(f"lambda build failed: {error}", file=sys.stderr)
        return 1
    print(
        f"{result.package}: {result.files} files, {result.unzipped_bytes / 1e6:.1f} MB unzipped,"
        f" {result.zipped_bytes / 1e6:.1f} MB zipped, sha256 {result.sha256_base64}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
