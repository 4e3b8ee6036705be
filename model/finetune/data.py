"""Fine-tuning data: JSONL chats and instructions -> token ids with labels on the reply only.

A line is one of
  {"messages": [{"role": "system" | "user" | "assistant", "content": "..."}, ...]}   (chat)
  {"instruction": "...", "input": "..." (optional), "output": "..."}                 (instruction)
  {"prompt": "...", "completion": "..."}                                              (code, text)
and every form becomes a chat laid out exactly as Tokenizer.encode_chat lays one out at
inference: <|role|>\\n content <|end|>\\n per message. The loss covers the assistant's content
and its <|end|> (so the model learns to stop), nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from model.gpt_neox import IGNORE_INDEX
from model.tokenizer import ROLES, Tokenizer

Message = dict[str, str]


class DataError(ValueError):
    """A fine-tuning file a person must fix; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    input_ids: list[int]
    # Aligned with input_ids: the model shifts them itself, so labels[t] is the token at t.
    labels: list[int]


@dataclass
class EncodedSet:
    examples: list[Example] = field(default_factory=list)
    truncated: int = 0
    dropped: int = 0  # truncation left none of the assistant's tokens


def to_messages(record: object) -> list[Message]:
    """One JSONL record as a chat; raises ValueError saying what is wrong with it."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    if "messages" in record:
        messages = record["messages"]
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            raise ValueError('"messages" must be a list of {"role", "content"} objects')
    elif "instruction" in record and "output" in record:
        prompt = _text(record, "instruction")
        if record.get("input"):
            prompt += "\n\n" + _text(record, "input")
        messages = [{"role": "user", "content": prompt}, _assistant(_text(record, "output"))]
    elif "prompt" in record and "completion" in record:
        messages = [
            {"role": "user", "content": _text(record, "prompt")},
            _assistant(_text(record, "completion")),
        ]
    else:
        raise ValueError(
            'expected "messages", "instruction" and "output", or "prompt" and "completion"; '
            f"got fields {sorted(record)}"
        )
    for message in messages:
        role = message.get("role")
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {', '.join(sorted(ROLES))}")
        if not isinstance(message.get("content"), str):
            raise ValueError(f"a {role} message's content must be text")
    if not any(m["role"] == "assistant" for m in messages):
        raise ValueError("no assistant message: nothing to learn from")
    return messages


def _text(record: dict, key: str) -> str:
    value = record[key]
    if not isinstance(value, str):
        raise ValueError(f'"{key}" must be text, got {type(value).__name__}')
    return value


def _assistant(content: str) -> Message:
    return {"role": "assistant", "content": content}


def read_chats(path: Path) -> list[list[Message]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found")
    chats = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                chats.append(to_messages(json.loads(line)))
            except json.JSONDecodeError as e:
                raise DataError(f"{path} line {number}: not valid JSON ({e.msg})") from None
            except ValueError as e:
                raise DataError(f"{path} line {number}: {e}") from None
    if not chats:
        raise DataError(f"{path} holds no examples")
    return chats


def encode(messages: Sequence[Message], tokenizer: Tokenizer) -> Example:
    """Token ids of the chat and labels that are IGNORE_INDEX except on the assistant's content
    tokens and its closing <|end|>."""
    # Message by message through encode_chat itself, so training sees exactly what inference
    # builds; only its layout's ends are left out of an assistant's labels.
    opening = 1 + len(tokenizer.encode("\n"))  # <|assistant|> \n
    closing = len(tokenizer.encode("\n"))  # the \n after <|end|>
    ids: list[int] = []
    labels: list[int] = []
    for message in messages:
        piece = tokenizer.encode_chat([message], add_generation_prompt=False)
        if message["role"] == "assistant":
            scored = piece[opening : len(piece) - closing]
            labels += [IGNORE_INDEX] * opening + scored + [IGNORE_INDEX] * closing
        else:
            labels += [IGNORE_INDEX] * len(piece)
        ids += piece
    return Example(ids, labels)


def encode_all(
    chats: Sequence[Sequence[Message]], tokenizer: Tokenizer, max_len: int
) -> EncodedSet:
    """Encodes, then cuts chats longer than max_len tokens at max_len. Masks are made on the
    whole chat first, so a cut never moves them; a chat left with no scored token is dropped."""
    encoded = EncodedSet()
    for messages in chats:
        example = encode(messages, tokenizer)
        if len(example.input_ids) > max_len:
            encoded.truncated += 1
            example = Example(example.input_ids[:max_len], example.labels[:max_len])
        # labels[0] is never a target: no position comes before it.
        if all(label == IGNORE_INDEX for label in example.labels[1:]):
            encoded.dropped += 1
            continue
        encoded.examples.append(example)
    return encoded


def collate(examples: Sequence[Example], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded with pad_id, whose labels are IGNORE_INDEX. Causal attention never lets a
    real token see the padding after it, so no mask is needed."""
    width = max(len(e.input_ids) for e in examples)
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE_INDEX, dtype=torch.long)
    for row, example in enumerate(examples):
        input_ids[row, : len(example.input_ids)] = torch.tensor(example.input_ids)
        labels[row, : len(example.labels)] = torch.tensor(example.labels)
    return {"input_ids": input_ids, "labels": labels}
