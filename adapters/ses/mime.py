"""The MIME form of a message: what SES sends and what the embedded outbox writes to disk."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from domains.email.model import OutgoingMail

MAIL_ID_HEADER = "X-ReFocused-Mail-Id"


def render(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">"))
    message[MAIL_ID_HEADER] = mail.id
    if mail.unsubscribe_url:
        # RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text)
    return message
