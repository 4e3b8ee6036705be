from __future__ import annotations

import email
from email import policy
from pathlib import Path

from adapters.outbox.transport import OutboxMailTransport
from domains.email.model import MailKind, OutgoingMail


async def test_outbox_mail_is_an_eml_file_a_mail_client_can_open(tmp_path: Path) -> None:
    outbox = OutboxMailTransport(tmp_path / "outbox", "ReFocused <no-reply@refocused.local>")
    mail = OutgoingMail(
        to="ada@example.com",
        subject="Confirm",
        text="Open https://x/confirm",
        kind=MailKind.NEWSLETTER_CONFIRMATION,
    )
    provider_id = await outbox.send(mail)
    [written] = list((tmp_path / "outbox").iterdir())
    assert written.name == f"{mail.id}.eml" and provider_id == f"outbox:{written.name}"
    parsed = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["To"] == "ada@example.com" and parsed["Subject"] == "Confirm"
    assert "https://x/confirm" in parsed.get_content()  # type: ignore[attr-defined]


async def test_forgetting_an_address_deletes_its_mail_and_no_one_elses(tmp_path: Path) -> None:
    outbox = OutboxMailTransport(tmp_path / "outbox", "ReFocused <no-reply@refocused.local>")
    for to in ("ada@example.com", "bada@example.com", "ada@example.com.au", "Ada@Example.com"):
        await outbox.send(OutgoingMail(to, "Hi", "text", MailKind.NEWSLETTER_CONFIRMATION))
    await outbox.forget("ada@example.com")
    left = sorted(
        email.message_from_bytes(p.read_bytes(), policy=policy.default)["To"]
        for p in (tmp_path / "outbox").iterdir()
    )
    assert left == ["ada@example.com.au", "bada@example.com"]
    await OutboxMailTransport(tmp_path / "none", "x@example.com").forget("ada@example.com")
