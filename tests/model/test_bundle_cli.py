"""`refocused model export`: a bundle on disk and published to S3 (a local moto server), and
errors a person can act on."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.model.conftest import invoke


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch):
    import boto3

    environment = {
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3")
    client.create_bucket(Bucket="models")
    return client


@pytest.mark.aws
def test_export_writes_a_bundle_and_publishes_it_to_s3(trained_run, s3, tmp_path: Path) -> None:
    s3.put_object(Bucket="models", Key="assistant/old-weights.bin", Body=b"stale")
    s3.put_object(Bucket="models", Key="assistant/v0/kept.txt", Body=b"another folder")
    out = tmp_path / "bundle"
    result = invoke(
        "export", trained_run["run"], "--out", out, "--dtype", "int8",
        "--upload", "s3://models/assistant",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "int8" in result.output and "uploaded to s3://models/assistant/" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    listed = s3.list_objects_v2(Bucket="models", Prefix="assistant/")["Contents"]
    keys = {o["Key"].removeprefix("assistant/") for o in listed}
    # The earlier bundle's leftovers go; anything in a folder below the prefix stays.
    assert keys == {*manifest["files"], "manifest.json", "v0/kept.txt"}
    for name, entry in manifest["files"].items():
        body = s3.get_object(Bucket="models", Key=f"assistant/{name}")["Body"].read()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--upload", "models/assistant"], "is not an s3://bucket/prefix location"),
        (["--dtype", "fp4"], "'fp4' is not one of"),
    ],
)
def test_bad_options_are_refused_before_any_work(
    trained_run, tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = invoke("export", trained_run["run"], "--out", tmp_path / "b", *arguments)
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "b").exists()


def test_a_folder_that_is_no_checkpoint_is_one_readable_line(tmp_path: Path) -> None:
    result = invoke("export", tmp_path, "--out", tmp_path / "b")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error:")
    assert "neither a checkpoint nor a run folder" in result.output


def test_a_bundle_is_not_exported_again(trained_run, tmp_path: Path) -> None:
    assert invoke("export", trained_run["run"], "--out", tmp_path / "b").exit_code == 0
    result = invoke("export", tmp_path / "b", "--out", tmp_path / "c", "--dtype", "int8")
    assert result.exit_code == 1 and "already a bundle" in result.output


@pytest.mark.aws
def test_an_unreachable_bucket_is_one_readable_line(trained_run, s3, tmp_path: Path) -> None:
    result = invoke(
        "export", trained_run["run"], "--out", tmp_path / "b", "--upload", "s3://no-such-bucket/x"
    )
    assert result.exit_code == 1 and "upload to s3://no-such-bucket/x failed" in result.output
    assert "Traceback" not in result.output
