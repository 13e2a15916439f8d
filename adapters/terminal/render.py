"""The terminal channel: a neutral reply as plain text, choices as a numbered list.

Typing a number answers against the open question in the dialog itself, so the terminal
only renders; it never maps input back to choices.
"""

from __future__ import annotations

from core.messages import Inbound, Reply, Sender

CYAN = "\x1b[36m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"


def render(reply: Reply, colour: bool = False) -> str:
    """One reply as text lines (no empty lines, so a script can split replies on blank lines)."""
    lines = [line for line in reply.text.splitlines() if line.strip()]
    lines += [f"{i}. {choice.label}" for i, choice in enumerate(reply.choices, 1)]
    if not colour:
        return "\n".join(lines)
    body = [f"{CYAN}{line}{RESET}" for line in lines[: len(lines) - len(reply.choices)]]
    body += [f"{DIM}{line}{RESET}" for line in lines[len(lines) - len(reply.choices):]]
    return "\n".join(body)


def render_all(replies: list[Reply], colour: bool = False) -> str:
    return "\n".join(render(r, colour) for r in replies)


def inbound(text: str, message_id: str, user_id: str, name: str | None = None, email: str | None = None,
            locale: str | None = None, conversation_id: str = "terminal") -> Inbound:
    """A typed line as a neutral message."""
    return Inbound(channel="terminal", conversation_id=conversation_id, message_id=message_id,
                   sender=Sender(user_id=user_id, name=name, email=email), text=text, locale=locale)
