"""The API the assistant's model client calls: load a checkpoint, chat, stream."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from model.api import LanguageModel, load

CHAT = [{"role": "user", "content": "How do I keep a streak?"}]


@pytest.fixture(scope="module")
def lm(trained_run) -> LanguageModel:
    # float32: a batch matches its prompts one at a time exactly only in float32; in bf16 a
    # batch's matmuls round differently and a near-tie can go the other way (CPU serving's
    # default dtype is tested in test_cpu_serving.py).
    return load(trained_run["run"], dtype=torch.float32)


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


MULTIBYTE = "Morning 🙂 plan: 早上好, 집중 then café ☕ and a walk 🧘‍♀️ — done ✅"


def test_streamed_pieces_of_multibyte_text_join_to_the_decoded_text(lm) -> None:
    tokenizer = lm.tokenizer
    ids = tokenizer.encode(MULTIBYTE)
    # The tiny vocabulary splits emoji and CJK characters into byte tokens.
    assert any(tokenizer.decode([i]) == "\ufffd" for i in ids)
    pieces = list(tokenizer.stream_decode(ids))
    assert "".join(pieces) == tokenizer.decode(ids) == MULTIBYTE
    assert all(pieces) and not any("\ufffd" in p for p in pieces)
    # Bytes that never complete a character come out as decode() shows them.
    broken = ids + tokenizer.encode("🙂")[:1]
    assert "".join(tokenizer.stream_decode(broken)) == tokenizer.decode(broken)


def test_streaming_decodes_only_the_tokens_since_the_last_piece(lm, monkeypatch) -> None:
    tokenizer = lm.tokenizer
    ids = tokenizer.encode(" ".join([MULTIBYTE] * 40))
    lengths: list[int] = []
    decode = tokenizer.decode

    def counting_decode(tokens, **options):
        lengths.append(len(tokens))
        return decode(tokens, **options)

    monkeypatch.setattr(tokenizer, "decode", counting_decode)
    assert "".join(tokenizer.stream_decode(ids)) == decode(ids)
    assert len(ids) > 1000 and max(lengths) <= 4  # a character is at most 4 bytes


def chat_text(lm, ids: list[int]) -> str:
    return lm.tokenizer.decode(ids, skip_special_tokens=False)


def test_an_over_long_chat_keeps_the_system_message_and_drops_the_oldest_turns(lm) -> None:
    system = {"role": "system", "content": "You are ReFocused's coach."}
    turns = [
        {"role": role, "content": f"turn {n}: " + "keep the habit small " * 6}
        for n in range(12)
        for role in ("user", "assistant")
    ]
    messages = [system, *turns, {"role": "user", "content": "What now?"}]
    ids = lm.chat_prompt(messages, max_new_tokens=32)
    text = chat_text(lm, ids)
    assert len(ids) <= lm.model.config.block_size - 32
    assert text.startswith("<|system|>\nYou are ReFocused's coach.<|end|>")
    assert text.endswith("<|user|>\nWhat now?<|end|>\n<|assistant|>\n")
    assert "turn 0:" not in text and "turn 11:" in text
    # Whole turns go: every kept turn is complete.
    assert text.count("<|user|>") + text.count("<|assistant|>") == text.count("<|end|>")


def test_a_single_turn_too_long_loses_the_start_of_its_content_not_the_system(lm) -> None:
    system = {"role": "system", "content": "Be brief."}
    long = {"role": "user", "content": "early words " * 80 + "the question at the end?"}
    ids = lm.chat_prompt([system, long], max_new_tokens=32)
    text = chat_text(lm, ids)
    assert len(ids) <= lm.model.config.block_size - 32
    assert text.startswith("<|system|>\nBe brief.<|end|>\n<|user|>\n")
    assert text.endswith("the question at the end?<|end|>\n<|assistant|>\n")


def test_a_chat_that_fits_is_encoded_whole(lm) -> None:
    assert lm.chat_prompt(CHAT, max_new_tokens=32) == lm.tokenizer.encode_chat(CHAT)
