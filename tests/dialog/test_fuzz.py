"""Property: whatever the text, the dialog (real parser, fake booking) answers without an
internal error, in nl or en, with text and no unfilled placeholders."""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dialog.engine import Dialog
from core.nlu import parse

from .fakes import FakeBooking, MemoryConversations
from .harness import Chat

WORDS = st.sampled_from(["boek", "book", "ja", "nee", "2", "de tweede", "annuleer", "verzet", "naar", "morgen",
                         "donderdag", "Friday", "Turfmarkt", "Den Haag", "Utrecht", "team", "twee", "plekken",
                         "maak ongedaan", "undo", "wat heb ik gereserveerd?", "is er plek", "😀", "'; --", "\x00"])
MESSAGES = st.one_of(st.text(max_size=300), st.lists(WORDS, min_size=1, max_size=8).map(" ".join))


@settings(max_examples=int(os.environ.get("WMS_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(MESSAGES, min_size=1, max_size=4))
def test_any_conversation_gets_proper_answers(messages):
    chat = Chat(Dialog(FakeBooking(), MemoryConversations(), parse=parse).handle)
    for text in messages:
        out = chat.say(text)
        assert out.strip()
        assert all(r.lang in ("nl", "en") for r in chat.last)
        assert "ging iets mis" not in out and "went wrong" not in out, text
        assert not re.search(r"\{[a-z_]+\}", out)
