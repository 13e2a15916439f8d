"""The Matrix channel's persistent state on SQLite: claims, token, prompts, pruning."""

from __future__ import annotations

from sqlalchemy import create_engine

from adapters.matrix.state import EVENT_RETENTION_MS, MatrixState


def test_claims_are_exclusive_and_unfinished_ones_are_released(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    a = MatrixState(engine, "@wms:gov.example")
    a.ensure_tables()
    b = MatrixState(engine, "@wms:gov.example")  # a second instance of the same account
    other = MatrixState(engine, "@other:gov.example")
    assert a.claim("$1", 1000)
    assert not b.claim("$1", 1001)  # never handled twice
    assert other.claim("$1", 1001)  # accounts are separate
    a.finish("$1", 1002)
    assert a.claim("$2", 1003)  # claimed, then the instance died
    assert b.release_unfinished() == 1
    assert b.claim("$2", 1004) and not b.claim("$1", 1004)
    b.prune(1004 + EVENT_RETENTION_MS + 1)
    assert not a.is_handled("$1")


def test_key_values_and_prompts(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    st = MatrixState(engine, "@wms:gov.example")
    st.ensure_tables()
    assert st.get("sync_token") is None
    st.put("sync_token", "s1")
    st.put("sync_token", "s2")
    assert st.get("sync_token") == "s2"
    st.save_prompt("$bot", "@anna:gov.example", [("1\ufe0f\u20e3", "1")], "$u", None, 5)
    p = st.load_prompt("$bot")
    assert p.keys == [("1\ufe0f\u20e3", "1")] and p.reply_to == "$u"
    assert p.user_hash == st.user_hash("@anna:gov.example") != st.user_hash("@bob:gov.example")
    assert "anna" not in p.user_hash
    assert st.load_prompt("$none") is None


def test_forget_user_drops_only_that_persons_prompts():
    from sqlalchemy import create_engine

    st = MatrixState(create_engine("sqlite://"), "@wms:gov.example")
    st.ensure_tables()
    st.save_prompt("$a", "@anna:gov.example", [("1️⃣", "ja")], None, None, 5)
    st.save_prompt("$b", "@bob:gov.example", [("1️⃣", "ja")], None, None, 5)
    assert st.forget_user("@anna:gov.example") == 1
    assert st.load_prompt("$a") is None and st.load_prompt("$b") is not None
