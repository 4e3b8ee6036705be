"""Every resource each stack declares, against a reviewed list committed beside this file.

A change to the architecture fails here until the snapshot is regenerated and the diff of
tests/platform/snapshots/<stack>.txt is reviewed with the change:

    REFOCUSED_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/platform/test_infra_snapshot.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest
from conftest import cached_run
from infra_harness import STACKS

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("REFOCUSED_UPDATE_SNAPSHOTS") == "1"
HEADER = (
    "# Every resource the stack declares (type, logical name), with image tags set.\n"
    "# Generated: REFOCUSED_UPDATE_SNAPSHOTS=1 pytest tests/platform/test_infra_snapshot.py\n"
)


@pytest.mark.parametrize("stack", STACKS)
def test_the_declared_resources_match_the_reviewed_snapshot(stack: str):
    listing = cached_run(stack).listing()
    assert len(listing) == len(set(listing)), "two resources share a type and a name"
    path = SNAPSHOTS / f"{stack}.txt"
    if UPDATE:
        path.write_text(HEADER + "\n".join(listing) + "\n")
    reviewed = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    diff = "\n".join(difflib.unified_diff(reviewed, listing, "reviewed", "declared", lineterm=""))
    assert listing == reviewed, f"the {stack} stack changed:\n{diff}"


ENVIRONMENTS = SNAPSHOTS / "function-environments.json"


def test_the_variables_each_function_is_given_match_the_reviewed_list():
    """What tests/entrypoints/lambdas gives each handler: the variables the program declares
    for that function alone, so a variable one function lacks cannot hide behind another's."""
    from deployed_units import lambda_environment, lambda_modules

    declared = {
        stack: {
            module: sorted(lambda_environment(cached_run(stack), module))
            for module in sorted(lambda_modules(cached_run(stack)))
        }
        for stack in STACKS
    }
    if UPDATE:
        ENVIRONMENTS.write_text(json.dumps(declared, indent=2) + "\n")
    assert json.loads(ENVIRONMENTS.read_text()) == declared
