from __future__ import annotations

import asyncio
import os
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
