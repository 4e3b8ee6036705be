"""The API the assistant's model client calls: load a checkpoint, chat, stream."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.api import LanguageModel, load

CHAT = [{"role": "user", "content": "How do I keep a streak?"}]


@pytest.fixture(scope="module")
def lm(trained_run) -> LanguageModel:
    return load(trained_run["run"])


def test_a_run_folder_loads_its_latest_checkpoint_with_its_tokenizer(lm, trained_run) -> None:
    from model.tokenizer import Tokenizer

    assert lm.model.config.n_layer == 2
    assert lm.tokenizer.encode("habit") == Tokenizer.load(trained_run["data"]).encode("habit")


def test_generate_continues_the_prompt_in_the_corpus_style(lm) -> None:
    text = lm.generate("Lessons from Dev\n\nDev", temperature=0, max_new_tokens=40)
    assert "Dev" in text or "days" in text or "minutes" in text, text


def test_chat_and_stream_chat_give_the_same_reply_for_the_same_seed(lm) -> None:
    reply = lm.chat(CHAT, seed=4, max_new_tokens=30)
    streamed = list(lm.stream_chat(CHAT, seed=4, max_new_tokens=30))
    assert "".join(streamed) == reply
    assert "<|" not in reply  # role and end tokens never leak into the text


def test_batch_generation_matches_one_prompt_at_a_time(lm) -> None:
    prompts = ["Notes from Ana", "A week with Omar\n\nOmar kept up"]
    batch = lm.generate_batch(prompts, temperature=0, max_new_tokens=20)
    assert batch == [lm.generate(p, temperature=0, max_new_tokens=20) for p in prompts]


def test_chat_rejects_empty_conversations_and_unknown_roles(lm) -> None:
    with pytest.raises(ValueError, match="at least one message"):
        lm.chat([])
    with pytest.raises(ValueError, match="unknown chat role"):
        lm.chat([{"role": "robot", "content": "hi"}])


def test_loading_a_folder_without_a_checkpoint_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="neither a checkpoint nor a run folder"):
        load(tmp_path)
