"""The terminal renders a reply as text with choices as a numbered list."""

from adapters.terminal.render import render, render_all
from core.messages import Choice, Reply


def test_choices_are_a_numbered_list_and_no_blank_lines():
    reply = Reply(text="Welk gebouw?\n\nKies er een.", choices=(Choice("Spark", "1"), Choice("De Knoop", "2")))
    assert render(reply) == "Welk gebouw?\nKies er een.\n1. Spark\n2. De Knoop"


def test_colour_wraps_lines_only_when_asked():
    reply = Reply(text="Hoi", choices=(Choice("Ja", "ja"),))
    assert "\x1b[" not in render_all([reply])
    assert "\x1b[" in render(reply, colour=True) and "1. Ja" in render(reply, colour=True)
