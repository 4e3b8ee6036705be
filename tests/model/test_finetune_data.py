"""Fine-tuning data: every JSONL form becomes the chat inference sees, and only the assistant's
reply (with its <|end|>) is scored, once, on the right tokens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch

from model.config import get_config
from model.finetune.data import DataError, collate, encode, encode_all, read_chats, to_messages
from model.gpt_neox import IGNORE_INDEX, GPTNeoXForCausalLM, next_token_loss
from model.tokenizer import ASSISTANT, USER

X = IGNORE_INDEX
CHAT = [{"role": "user", "content": "Plan my day"}, {"role": "assistant", "content": "Read first."}]


def write_jsonl(path: Path, *lines: object) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def test_labels_cover_the_assistant_reply_and_its_end_token_only(tokenizer) -> None:
    nl = tokenizer.encode("\n")
    question, reply = tokenizer.encode("Plan my day"), tokenizer.encode("Read first.")
    user, assistant, end = tokenizer.token_id(USER), tokenizer.token_id(ASSISTANT), tokenizer.end_id

    example = encode(CHAT, tokenizer)

    assert nl == [nl[0]]  # one token, so the layout below is exact
    assert example.input_ids == [user, *nl, *question, end, *nl, assistant, *nl, *reply, end, *nl]
    assert example.labels == [X, X, *[X] * len(question), X, X, X, X, *reply, end, X]
    # The very ids inference builds for the same chat.
    assert example.input_ids == tokenizer.encode_chat(CHAT, add_generation_prompt=False)


def test_the_labels_are_shifted_once_by_the_model_not_by_the_data(tokenizer) -> None:
    example = encode(CHAT, tokenizer)
    ids, labels = torch.tensor([example.input_ids]), torch.tensor([example.labels])
    vocab = tokenizer.vocab_size

    def certain_of(targets: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.one_hot(targets, vocab).float() * 50.0

    next_tokens = torch.cat([ids[:, 1:], ids[:, :1]], dim=1)  # position t names token t + 1
    # A model that knows each next token has no loss; one that repeats its input is far off.
    assert next_token_loss(certain_of(next_tokens), labels).item() < 1e-6
    assert next_token_loss(certain_of(ids), labels).item() > 10


def test_every_assistant_turn_of_a_conversation_is_scored(tokenizer) -> None:
    chat = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello."},
        {"role": "user", "content": "Plan my day"},
        {"role": "assistant", "content": "Read first."},
    ]
    example = encode(chat, tokenizer)
    scored = [i for i, label in zip(example.input_ids, example.labels, strict=True) if label != X]
    end = tokenizer.end_id
    assert scored == [*tokenizer.encode("Hello."), end, *tokenizer.encode("Read first."), end]


def test_instructions_and_completions_become_a_user_turn_and_a_reply() -> None:
    instruction = {"instruction": "Summarise", "input": "a long note", "output": "Short."}
    assert to_messages(instruction) == [
        {"role": "user", "content": "Summarise\n\na long note"},
        {"role": "assistant", "content": "Short."},
    ]
    assert to_messages({"instruction": "Say hi", "output": "Hi."})[0]["content"] == "Say hi"
    assert to_messages({"prompt": "def add(a, b):", "completion": " return a + b"}) == [
        {"role": "user", "content": "def add(a, b):"},
        {"role": "assistant", "content": " return a + b"},
    ]


def test_a_chat_longer_than_the_context_is_cut_with_its_labels_or_dropped(tokenizer) -> None:
    long_reply = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "word " * 40}]
    long_question = [{"role": "user", "content": "word " * 40}, CHAT[1]]
    full = encode(long_reply, tokenizer)

    encoded = encode_all([CHAT, long_reply, long_question], tokenizer, max_len=24)

    assert (encoded.truncated, encoded.dropped, len(encoded.examples)) == (2, 1, 2)
    cut = encoded.examples[1]
    assert cut.input_ids == full.input_ids[:24] and cut.labels == full.labels[:24]


def test_batches_are_padded_on_the_right_and_padding_changes_no_loss(tokenizer) -> None:
    short, long = encode(CHAT, tokenizer), encode([*CHAT, *CHAT], tokenizer)
    batch = collate([short, long], tokenizer.pad_id)
    n = len(short.input_ids)

    assert batch["input_ids"].shape == (2, len(long.input_ids))
    assert batch["input_ids"][0, :n].tolist() == short.input_ids
    assert set(batch["input_ids"][0, n:].tolist()) == {tokenizer.pad_id}
    assert set(batch["labels"][0, n:].tolist()) == {X}

    torch.manual_seed(0)
    model = GPTNeoXForCausalLM(get_config("tiny")).eval()
    alone = collate([short], tokenizer.pad_id)
    with torch.no_grad():
        _, loss_alone = model(alone["input_ids"], alone["labels"])
        _, loss_padded = model(batch["input_ids"][:1], batch["labels"][:1])
    torch.testing.assert_close(loss_padded, loss_alone)


def test_read_chats_reads_every_form_and_skips_blank_lines(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        {"messages": CHAT},
        "",
        {"instruction": "Say hi", "output": "Hi."},
        {"prompt": "1 + 1 =", "completion": " 2"},
    )
    assert [chat[-1]["content"] for chat in read_chats(path)] == ["Read first.", "Hi.", " 2"]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("{not json", "line 2: not valid JSON"),
        ({"messages": [{"role": "bot", "content": "x"}]}, "line 2: unknown role 'bot'"),
        ({"text": "plain"}, 'line 2: expected "messages"'),
        ({"messages": [{"role": "user", "content": "x"}]}, "line 2: no assistant message"),
        ({"prompt": "x", "completion": 3}, 'line 2: "completion" must be text'),
    ],
)
def test_a_bad_line_is_reported_with_its_number(tmp_path: Path, bad_line, message) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", {"messages": CHAT}, bad_line)
    with pytest.raises(DataError, match=re.escape(message)):
        read_chats(path)
