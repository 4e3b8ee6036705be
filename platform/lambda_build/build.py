"""Builds the zip that the email, feedback and SES-notification Lambdas run from.

    python platform/lambda_build/build.py --out dist/lambdas

The zip holds the application's packages (domains, adapters, entrypoints) and the `prod`
dependencies, installed for Lambda's platform (manylinux, CPython 3.11, x86_64). It never
holds tests, the language model or torch: the ai-handler is a container image of its own
(platform/lambda_build/ai_handler.Dockerfile). The zip is reproducible (sorted entries, fixed
timestamps), so an unchanged tree gives the same bytes and `pulumi up` sees no change.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PACKAGE_NAME = "refocused-lambdas.zip"
APPLICATION_PACKAGES = ("domains", "adapters", "entrypoints")
ZIP_FUNCTIONS = ("email_api", "email_sender", "ses_notifications", "feedback_api")
# Never in the zip: the model's stack belongs to the ai-handler image only.
FORBIDDEN_DISTRIBUTIONS = frozenset({"torch", "triton", "nvidia", "torchgen", "functorch"})
# The API's HTTP server: Lambda invokes the handlers itself, so it is dead weight there.
NOT_IN_LAMBDA = frozenset({"granian"})
EXCLUDED_DIRECTORIES = frozenset({"__pycache__", "tests", "test", ".pytest_cache", ".mypy_cache"})
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
# Lambda's limit for an unzipped package.
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
LAMBDA_PLATFORM = "manylinux2014_x86_64"
LAMBDA_PYTHON = "3.11"

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
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


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


def copy_application(source: Path, staging: Path) -> None:
    for package in APPLICATION_PACKAGES:
        root = source / package
        if not (root / "__init__.py").is_file():
            raise BuildError(f"{root} is not a Python package")
        for path in sorted(root.rglob("*")):
            if path.is_file() and _included(path, source):
                destination = staging / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)


def check_dependencies(staging: Path) -> None:
    present = sorted(p.name for p in staging.iterdir() if p.name in FORBIDDEN_DISTRIBUTIONS)
    if present:
        raise BuildError(f"{present} were pulled into the Lambda zip by a dependency")


def write_zip(staging: Path, package: Path) -> tuple[int, int]:
    files = sorted(p for p in staging.rglob("*") if p.is_file() and _included(p, staging))
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
    requirements = read_requirements(source / "pyproject.toml", extras)
    with tempfile.TemporaryDirectory(prefix="refocused-lambdas-") as temporary:
        staging = Path(temporary)
        if installer is not None:
            installer(requirements, staging)
            check_dependencies(staging)
        copy_application(source, staging)
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
    args = parser.parse_args(argv)
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
