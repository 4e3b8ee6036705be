"""Byte-level BPE tokenizer with end-of-text, padding and chat-role tokens, as one tokenizer.json.

Special tokens are inserted by code only: text given to `encode` never turns into a special
token, so a user who types "<|assistant|>" cannot forge a turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from tokenizers import Tokenizer as _Backend
from tokenizers import decoders, models, pre_tokenizers, trainers

TOKENIZER_FILE = "tokenizer.json"
EOT = "<|endoftext|>"
PAD = "<|pad|>"
SYSTEM, USER, ASSISTANT, END = "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"
SPECIAL_TOKENS = (EOT, PAD, SYSTEM, USER, ASSISTANT, END)
ROLES = {"system": SYSTEM, "user": USER, "assistant": ASSISTANT}
DEFAULT_VOCAB_SIZE = 50_257


class Tokenizer:
    def __init__(self, backend: _Backend) -> None:
        missing = [t for t in SPECIAL_TOKENS if backend.token_to_id(t) is None]
        if missing:
            raise ValueError(f"tokenizer lacks special tokens {missing}")
        backend.encode_special_tokens = True
        self._backend = backend
        self.eot_id = self.token_id(EOT)
        self.pad_id = self.token_id(PAD)
        self.end_id = self.token_id(END)

    @classmethod
    def train(
        cls, texts: Iterable[str], vocab_size: int = DEFAULT_VOCAB_SIZE, min_frequency: int = 2
    ) -> Tokenizer:
        backend = _Backend(models.BPE())
        backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        backend.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size,
            min_frequency=min_frequency,
            special_tokens=list(SPECIAL_TOKENS),
            # Every byte is in the vocabulary, so any text encodes without an unknown token.
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        )
        backend.train_from_iterator(texts, trainer=trainer)
        return cls(backend)

    @classmethod
    def load(cls, path: Path) -> Tokenizer:
        if path.is_dir():
            path = path / TOKENIZER_FILE
        if not path.is_file():
            raise FileNotFoundError(f"tokenizer file {path} not found")
        return cls(_Backend.from_file(str(path)))

    def save(self, path: Path) -> Path:
        if path.is_dir():
            path = path / TOKENIZER_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        self._backend.save(str(path))
        return path

    @property
    def vocab_size(self) -> int:
        return self._backend.get_vocab_size(with_added_tokens=True)

    def token_id(self, token: str) -> int:
        token_id = self._backend.token_to_id(token)
        if token_id is None:
            raise KeyError(token)
        return token_id

    def encode(self, text: str) -> list[int]:
        return self._backend.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self._backend.encode_batch(list(texts), add_special_tokens=False)]

    def decode(self, ids: Sequence[int], *, skip_special_tokens: bool = True) -> str:
        return self._backend.decode(list(ids), skip_special_tokens=skip_special_tokens)

    def encode_chat(
        self, messages: Sequence[dict[str, str]], *, add_generation_prompt: bool = True
    ) -> list[int]:
        """<|role|>\\n content <|end|>\\n per message, then <|assistant|>\\n to prompt a reply."""
        newline = self.encode("\n")
        ids: list[int] = []
        for message in messages:
            role = message.get("role")
            if role not in ROLES:
                raise ValueError(f"unknown chat role {role!r}; expected one of {sorted(ROLES)}")
            content = message.get("content")
            if not isinstance(content, str):
                raise ValueError(f"message content must be text, got {type(content).__name__}")
            ids += [self.token_id(ROLES[role]), *newline, *self.encode(content), self.end_id]
            ids += newline
        if add_generation_prompt:
            ids += [self.token_id(ASSISTANT), *newline]
        return ids

    def stream_decode(self, ids: Iterable[int]) -> Iterator[str]:
        """Text pieces as tokens arrive, joining to `decode` of all of them. A piece is held
        back while it ends inside a UTF-8 character that later bytes complete.

        Only the tokens since the last piece are decoded: a piece always ends on a character
        boundary, where byte-level decoding restarts exactly, so a token costs the same however
        long the reply is (decoding everything seen so far would grow with every token)."""
        pending: list[int] = []
        for token_id in ids:
            pending.append(token_id)
            text = self.decode(pending)
            if not text.endswith("\ufffd"):
                pending.clear()
                if text:
                    yield text
        if pending:  # bytes that never completed a character decode as decode() shows them
            text = self.decode(pending)
            if text:
                yield text
