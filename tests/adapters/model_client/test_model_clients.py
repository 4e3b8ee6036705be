from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.model_client.in_process import InProcessModelClient, load_verified_bundle
from adapters.model_client.none import NoModelClient
from domains.assistant.model import ChatTurn, Role
from domains.shared.errors import Unavailable
from tests.adapters.model_client.checkpoint import make_tiny_bundle, make_tiny_checkpoint

TURNS = [ChatTurn(Role.SYSTEM, "Be brief."), ChatTurn(Role.USER, "Plan my morning")]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_checkpoint(tmp_path_factory.mktemp("tiny-model"))


async def test_no_model_answers_503_saying_what_to_configure() -> None:
    client = NoModelClient()
    with pytest.raises(Unavailable, match="REFOCUSED_ASSISTANT_BACKEND"):
        await client.ensure_available()
    with pytest.raises(Unavailable):
        await client.reply(TURNS)


async def test_a_missing_checkpoint_is_503_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="does not exist"):
        await InProcessModelClient(tmp_path / "nowhere").ensure_available()


async def test_the_in_process_model_streams_a_reply_from_a_real_checkpoint(
    checkpoint: Path,
) -> None:
    client = InProcessModelClient(checkpoint, max_new_tokens=12)
    await client.ensure_available()
    pieces = [p async for p in client.stream(TURNS)]
    assert pieces and all(isinstance(p, str) for p in pieces)
    whole = await client.reply(TURNS)
    assert isinstance(whole, str)


async def test_concurrent_replies_share_one_loaded_model(checkpoint: Path) -> None:
    loads: list[Path] = []

    def counting_loader(path: Path) -> object:
        from model.api import load

        loads.append(path)
        return load(path)

    client = InProcessModelClient(checkpoint, max_new_tokens=4, loader=counting_loader)
    replies = await asyncio.gather(*(client.reply(TURNS) for _ in range(3)))
    assert len(replies) == 3 and len(loads) == 1


async def test_a_client_that_stops_reading_stops_the_generation(checkpoint: Path) -> None:
    client = InProcessModelClient(checkpoint, max_new_tokens=64)
    stream = client.stream(TURNS)
    first = await anext(stream)
    await stream.aclose()
    assert isinstance(first, str)
    # The lock was released: another reply can run.
    assert isinstance(await asyncio.wait_for(client.reply(TURNS), 30), str)


@pytest.fixture(scope="module")
def bundle(checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_bundle(checkpoint, tmp_path_factory.mktemp("bundles") / "int8")


async def test_a_serving_bundle_replies_after_its_checksums_pass(bundle: Path) -> None:
    client = InProcessModelClient(bundle, max_new_tokens=8, loader=load_verified_bundle)
    assert isinstance(await client.reply(TURNS), str)


@pytest.fixture
def tampered_bundle(bundle: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "bundle"
    copy.mkdir()
    for path in bundle.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    weights = bytearray((copy / "model.safetensors").read_bytes())
    weights[-10] ^= 0x01
    (copy / "model.safetensors").write_bytes(bytes(weights))
    return copy


async def test_a_tampered_bundle_is_503_and_never_served(tampered_bundle: Path) -> None:
    client = InProcessModelClient(tampered_bundle, max_new_tokens=8, loader=load_verified_bundle)
    with pytest.raises(Unavailable, match="could not be loaded") as refused:
        await client.reply(TURNS)
    assert type(refused.value.__cause__).__name__ == "BundleIntegrityError"


async def test_a_service_that_serves_bundles_refuses_a_bare_checkpoint(checkpoint: Path) -> None:
    client = InProcessModelClient(checkpoint, loader=load_verified_bundle)
    with pytest.raises(Unavailable) as refused:
        await client.ensure_available()
    assert "no manifest.json" in str(refused.value.__cause__)
