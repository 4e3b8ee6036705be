"""The functions' settings are read by the API's reader (entrypoints.settings.read_env): a
variable per field, converted to the field's type, one error type naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.composition.lambdas import LambdaSettings
from entrypoints.settings import Settings, SettingsError


def test_each_field_is_read_from_its_variable_and_converted() -> None:
    settings = LambdaSettings.from_env(
        {
            "FEEDBACK_TABLE": "feedback",
            "REFOCUSED_ASSISTANT_DAILY_MESSAGES": " 7 ",
            "REFOCUSED_MODEL_DIR": "/tmp/elsewhere",
            "REFOCUSED_API_URL": "https://api.example/",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "EMAIL_TABLE": "   ",
        }
    )
    assert settings.feedback_table == "feedback"
    assert settings.assistant_daily_messages == 7
    assert settings.model_dir == Path("/tmp/elsewhere")
    assert settings.api_url == "https://api.example"
    # AWS_REGION first, then the SDK's older name; a blank variable is unset.
    assert settings.aws_region == "eu-west-1"
    assert settings.email_table == ""


@pytest.mark.parametrize("settings_class", [LambdaSettings, Settings])
def test_a_bad_value_is_one_error_naming_the_variable(settings_class: type) -> None:
    with pytest.raises(SettingsError, match=r"^REFOCUSED_ASSISTANT_DAILY_MESSAGES='many' "):
        settings_class.from_env({"REFOCUSED_ASSISTANT_DAILY_MESSAGES": "many"})


def test_a_missing_required_variable_is_named() -> None:
    with pytest.raises(SettingsError, match="needs ASSISTANT_HISTORY_TABLE, MODEL_BUCKET to be"):
        LambdaSettings().require("assistant_table", "model_bucket")
