"""Runs each stack's program once per test session; the tests read what it declared."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from infra_harness import STACKS, ProgramRun, run_program


def pytest_configure(config: pytest.Config) -> None:
    # pulumi_aws warns about its own deprecated modules as it loads them; not ours to fix.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:pulumi_aws")


_runs: dict[tuple[str, str], ProgramRun] = {}


@pytest.fixture(autouse=True)
def _an_event_loop_for_pulumi() -> Iterator[None]:
    """Pulumi's runtime asks for the thread's current event loop; async tests that ran earlier
    in the same session leave none behind, so each platform test gets its own."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    asyncio.set_event_loop(None)
    loop.close()


def cached_run(stack: str, variant: str = "release") -> ProgramRun:
    """`release`: image tags set; `preview`: the same, with every computed output unknown;
    `bootstrap`: a first `pulumi up`, before any image has been pushed."""
    key = (stack, variant)
    if key not in _runs:
        if variant == "release":
            _runs[key] = run_program(stack)
        elif variant == "preview":
            _runs[key] = run_program(stack, preview=True)
        elif variant == "bootstrap":
            _runs[key] = run_program(
                stack,
                overrides={"refocused:apiImageTag": None, "refocused:aiHandlerImageTag": None},
            )
        else:
            raise ValueError(variant)
    return _runs[key]


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest) -> ProgramRun:
    return cached_run(request.param)


@pytest.fixture
def prod() -> ProgramRun:
    return cached_run("prod")


@pytest.fixture
def dev() -> ProgramRun:
    return cached_run("dev")
