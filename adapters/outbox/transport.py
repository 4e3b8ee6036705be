from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from adapters.ses.mime import render
from domains.email.model import OutgoingMail


class OutboxMailTransport:
    def __init__(self, folder: Path, sender: str) -> None:
        self._folder = folder
        self._sender = sender

    async def send(self, mail: OutgoingMail) -> str:
        data = render(mail, self._sender).as_bytes()
        return await asyncio.to_thread(self._write, mail.id, data)

    def _write(self, mail_id: str, data: bytes) -> str:
        self._folder.mkdir(parents=True, exist_ok=True)
        final = self._folder / f"{mail_id}.eml"
        partial = final.with_suffix(".eml.partial")
        # Written then renamed: a reader never sees half a message.
        partial.write_bytes(data)
        os.replace(partial, final)
        return f"outbox:{final.name}"

    async def forget(self, address: str) -> None:
        # The whole address only: not inside a longer one (bada@..., ada@example.com.au).
        pattern = re.compile(
            rb"(?<![\w.+-])" + re.escape(address.encode()) + rb"(?![\w-]|\.\w)", re.IGNORECASE
        )
        await asyncio.to_thread(self._forget, pattern)

    def _forget(self, address: re.Pattern[bytes]) -> None:
        for path in self._folder.glob("*.eml"):
            try:
                data = path.read_bytes()
                if address.search(data):
                    # Overwritten first: a deleted file's blocks would still hold the address.
                    with path.open("r+b") as f:
                        f.write(b"\0" * len(data))
                        f.flush()
                        os.fsync(f.fileno())
                    path.unlink()
            except FileNotFoundError:
                continue  # removed meanwhile
