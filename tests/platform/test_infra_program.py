"""The program as `pulumi up` runs it: __main__.py, the stack's settings, the exports."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pulumi
import pytest
from infra_harness import PROJECT_DIR, RELEASE_TAGS, RecordingMocks, stack_config

EXPORTS = {
    "api_url",
    "web_url",
    "web_app_id",
    "api_repository_url",
    "ai_handler_repository_url",
    "email_table",
    "feedback_table",
    "assistant_history_table",
    "model_bucket",
    "database_address",
    "cache_address",
    "secret_arns",
    "api_service_url",
}


def configure(stack: str, **overrides: object) -> RecordingMocks:
    config = {**stack_config(stack), **RELEASE_TAGS}
    config.update({key: json.dumps(value) for key, value in overrides.items()})
    pulumi.runtime.set_all_config(config)
    mocks = RecordingMocks(preview=False)
    pulumi.runtime.set_mocks(mocks, project="refocused", stack=stack, preview=False)
    return mocks


def test_main_declares_the_stack_and_exports_what_operators_read(tmp_path: Path):
    package = tmp_path / "refocused-lambdas.zip"
    package.write_bytes(b"PK\x05\x06" + bytes(18))
    mocks = configure("staging", **{"refocused:functions": {"packagePath": str(package)}})

    @pulumi.runtime.test
    def program() -> None:
        runpy.run_path(str(PROJECT_DIR / "__main__.py"), run_name="__main__")

    program()
    assert len(mocks.resources) > 100
    upload = next(r for r in mocks.resources if r.name == "serverless-lambda-package")
    assert upload.inputs["source"].path == str(package)
    exported = pulumi.runtime.settings.get_root_resource().outputs
    assert EXPORTS <= set(exported)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("refocused:database", {"multiAZ": True}, "unknown setting 'multiAZ'"),
        (
            "refocused:web",
            {"repository": "https://github.com/refocused/web"},
            "needs the secret refocused:webAccessToken",
        ),
        (
            "refocused:network",
            {"vpcCidr": "10.0.0.0/16", "availabilityZones": ["a", "b", "c"]},
            "exactly two zones",
        ),
    ],
)
def test_a_mistyped_setting_stops_the_program_with_its_name(setting, value, message):
    from refocused_infra.settings import load_settings

    configure("dev", **{setting: value})
    with pytest.raises(ValueError, match=message):
        load_settings()


def test_each_stack_file_reads_into_settings_that_match_its_purpose():
    from refocused_infra.settings import load_settings

    configure("prod")
    prod = load_settings()
    assert prod.protect_data and prod.database.multi_az and prod.database.deletion_protection
    assert prod.cache.nodes >= 2
    assert prod.domain is not None and prod.domain.api_name == "api.refocused.app"
    configure("dev")
    dev = load_settings()
    assert dev.domain is None and not dev.protect_data
    assert dev.api.image_tag == "v1.2.3"
    assert dev.prefix == "refocused-dev"


def test_the_infrastructure_code_imports_no_application_code():
    import ast

    application = {"domains", "adapters", "entrypoints", "model"}
    sources = [*PROJECT_DIR.glob("refocused_infra/*.py"), *PROJECT_DIR.glob("lambda_build/*.py")]
    assert len(sources) > 10
    for source in [PROJECT_DIR / "__main__.py", *sources]:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert not roots & application, f"{source.name} imports {roots & application}"
