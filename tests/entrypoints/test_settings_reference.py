"""docs/configuration.md and .env.example stay in step with the Settings class."""

from __future__ import annotations

import re
from dataclasses import fields

from entrypoints import settings_reference
from entrypoints.settings import REQUIRED_IN_PRODUCTION, Settings, SettingsError


def test_the_reference_and_the_example_are_generated_from_the_settings_class() -> None:
    assert settings_reference.REFERENCE.read_text() == settings_reference.render_reference(), (
        "docs/configuration.md is out of date: run python -m entrypoints.settings_reference"
    )
    assert settings_reference.ENV_EXAMPLE.read_text() == settings_reference.render_env_example(), (
        ".env.example is out of date: run python -m entrypoints.settings_reference"
    )


def test_every_setting_is_documented_once_by_the_name_the_server_reads() -> None:
    reference = settings_reference.REFERENCE.read_text()
    about = settings_reference.descriptions()
    for f in fields(Settings):
        assert about[f.name], f"{f.name} has no #: comment in entrypoints/settings.py"
        assert reference.count(f"| `{settings_reference.documented_names(f)[0]}`") == 1


def test_the_example_states_the_defaults_the_server_uses() -> None:
    env = {}
    for line in settings_reference.ENV_EXAMPLE.read_text().splitlines():
        match = re.fullmatch(r"#? ?([A-Z0-9_]+)=(.*)", line)
        if match and match.group(2):
            env[match.group(1)] = match.group(2)
    assert len(env) > 30
    assert Settings.from_env(env) == Settings()


def test_the_variables_marked_required_are_the_ones_production_asks_for() -> None:
    try:
        Settings.from_env({"REFOCUSED_PROFILE": "production"})
    except SettingsError as e:
        message = str(e)
    named = {
        f.name
        for f in fields(Settings)
        if any(re.search(rf"\b{n}\b", message) for n in settings_reference.documented_names(f))
    }
    assert named == set(REQUIRED_IN_PRODUCTION)
