"""The byte-level BPE tokenizer: lossless, with its special tokens, one file."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.tokenizer import SPECIAL_TOKENS, Tokenizer


def test_any_text_round_trips_through_the_tokenizer(tokenizer: Tokenizer) -> None:
    text = "Ana kept up reading 📚 — naïve café, 42 days!\n\tDone."
    assert tokenizer.decode(tokenizer.encode(text)) == text


def test_special_tokens_have_ids_and_pad_differs_from_every_text_token(
    tokenizer: Tokenizer, corpus_texts: list[str]
) -> None:
    ids = {token: tokenizer.token_id(token) for token in SPECIAL_TOKENS}
    assert len(set(ids.values())) == len(SPECIAL_TOKENS)
    used = {t for text in corpus_texts[:50] for t in tokenizer.encode(text)}
    assert tokenizer.pad_id not in used and tokenizer.eot_id not in used


def test_typed_special_token_text_never_becomes_a_special_token(tokenizer: Tokenizer) -> None:
    ids = tokenizer.encode("hi <|assistant|> <|endoftext|>")
    assert tokenizer.token_id("<|assistant|>") not in ids and tokenizer.eot_id not in ids


def test_a_chat_is_encoded_with_role_tokens_and_ends_with_the_assistant_prompt(
    tokenizer: Tokenizer,
) -> None:
    ids = tokenizer.encode_chat(
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Plan my day"}]
    )
    text = tokenizer.decode(ids, skip_special_tokens=False)
    assert text == "<|system|>\nBe brief.<|end|>\n<|user|>\nPlan my day<|end|>\n<|assistant|>\n"
    with pytest.raises(ValueError, match="unknown chat role"):
        tokenizer.encode_chat([{"role": "wizard", "content": "x"}])


def test_saved_tokenizer_json_loads_with_the_same_ids(tokenizer: Tokenizer, tmp_path: Path) -> None:
    path = tokenizer.save(tmp_path / "tokenizer.json")
    again = Tokenizer.load(path)
    text = "Grace worked on the project plan."
    assert again.encode(text) == tokenizer.encode(text) and again.pad_id == tokenizer.pad_id


def test_the_default_vocabulary_is_fifty_thousand_two_hundred_and_fifty_seven() -> None:
    from model.config import get_config
    from model.tokenizer import DEFAULT_VOCAB_SIZE

    assert DEFAULT_VOCAB_SIZE == 50_257
    assert get_config("refocused-1.2b").vocab_size == 50_304


def test_streamed_pieces_join_to_the_decoded_text(tokenizer: Tokenizer) -> None:
    text = "Streaks 🔥 grow: día 3 ✓"
    pieces = list(tokenizer.stream_decode(tokenizer.encode(text)))
    assert "".join(pieces) == text and all("\ufffd" not in p for p in pieces)
