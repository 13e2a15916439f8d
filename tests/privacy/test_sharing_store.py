"""The sharing tables on SQLite and PostgreSQL: grants, the 7-day lookup log, restriction,
and that nothing of a person survives their erasure by any route."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from adapters.store.people import erase_person
from adapters.store.retention import REGISTRY, run_retention
from adapters.store.sharing import SqlPrivacyStore, location_lookups, privacy_restrictions, sharing_grants
from bot.bootstrap import Services
from core.booking.api import PersonInfo
from core.privacy.retention import RetentionTable
from sharing_helpers import NOW


def _person(services: Services, key: str, name: str) -> int:
    return services.booking.ensure_person(PersonInfo(external_id=f"test:{key}", name=name), NOW)


def _count(services: Services, table) -> int:  # type: ignore[no-untyped-def]
    with services.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_grants_are_idempotent_and_revocable(services: Services) -> None:
    store = SqlPrivacyStore(services.engine)
    a, b = _person(services, "a", "Ann Ant"), _person(services, "b", "Bob Bee")
    assert store.grant(a, "person", b, NOW) and not store.grant(a, "person", b, NOW)
    assert store.grant(a, "team", None, NOW) and not store.grant(a, "team", 999, NOW)
    assert [g.scope for g in store.grants_of(a)] == ["person", "team"]
    assert {g.sharer_id for g in store.sharers_for(b)} == {a}
    assert store.sharers_for(a) == ()  # your own grants are not "sharers for you"
    assert store.find_people("ann ant") == (a,) and store.find_people("Ann") == ()
    assert store.revoke(a, scope="team") == 1 and store.revoke(a) == 1 and store.grants_of(a) == ()


def test_paused_sharers_are_left_out(services: Services) -> None:
    store = SqlPrivacyStore(services.engine)
    a, b = _person(services, "a", "Ann Ant"), _person(services, "b", "Bob Bee")
    store.grant(a, "everyone", None, NOW)
    assert store.pause(a, NOW) and not store.pause(a, NOW)
    assert store.sharers_for(b) == ()
    assert store.resume(a) and not store.resume(a)
    assert len(store.sharers_for(b)) == 1
    assert not store.pause(12345, NOW)  # nobody: nothing made


def test_lookups_are_kept_seven_days(services: Services) -> None:
    store = SqlPrivacyStore(services.engine)
    a, b = _person(services, "a", "Ann Ant"), _person(services, "b", "Bob Bee")
    store.log_lookup(a, b, NOW - timedelta(days=8))
    store.log_lookup(a, b, NOW - timedelta(days=1))
    assert [lk.viewer_name for lk in store.lookups_of(a, NOW - timedelta(days=7))] == ["Bob Bee"]
    assert "lookups" in REGISTRY
    reports = run_retention(services.engine, NOW, RetentionTable.defaults(), kinds=["lookups"])
    assert reports[0].removed == 1 and _count(services, location_lookups) == 1


def test_erasure_by_any_route_removes_grants_lookups_and_pause(services: Services) -> None:
    store = SqlPrivacyStore(services.engine)
    a, b, c = (_person(services, k, n) for k, n in (("a", "Ann Ant"), ("b", "Bob Bee"), ("c", "Cy Cat")))
    for sharer, viewer in ((a, b), (b, a), (c, b)):
        store.grant(sharer, "person", viewer, NOW)
        store.log_lookup(sharer, viewer, NOW)
    store.pause(a, NOW)
    report = store.erase(a, NOW)
    assert report.profile and report.grants == 2 and report.lookups == 2
    assert _count(services, sharing_grants) == 1 and _count(services, location_lookups) == 1
    assert _count(services, privacy_restrictions) == 0
    # The data lifecycle's own erasure (retention of inactive profiles) cascades as well.
    with services.engine.begin() as conn:
        erase_person(conn, b, NOW.date())
    assert _count(services, sharing_grants) == 0 and _count(services, location_lookups) == 0
    assert store.erase(a, NOW).profile is False  # repeated: nothing more, no error


def test_export_holds_only_the_persons_data(services: Services) -> None:
    store = SqlPrivacyStore(services.engine)
    a, b, c = (_person(services, k, n) for k, n in (("a", "Ann Ant"), ("b", "Bob Bee"), ("c", "Cy Cat")))
    store.grant(a, "person", b, NOW)
    store.grant(c, "person", a, NOW)  # Cy's choice: not in Ann's export
    store.log_lookup(a, b, NOW)
    doc = store.export(a, NOW)
    assert doc is not None
    assert doc["location_sharing"]["colleagues"][0]["name"] == "Bob Bee"
    assert doc["location_lookups"]["of_me"][0]["by"] == "Bob Bee"
    assert "Cy Cat" not in repr(doc)
    assert store.export(98765, NOW) is None


def test_colleagues_are_found_by_keyed_hash_not_by_decrypting_everyone(services: Services) -> None:
    """Full name (case and accents ignored) or address through people.name_hash / email_hash;
    the columns hold HMACs, never the name; a correction moves the hash; an old row without
    hashes is still found (by decryption) until its profile is written again."""
    from sqlalchemy import update

    from adapters.store.people import update_profile
    from adapters.store.tables import people

    store = SqlPrivacyStore(services.engine)
    jose = services.booking.ensure_person(PersonInfo(external_id="test:jose", name="José de Vries",
                                                     email="Jose.deVries@minbzk.example"), NOW)
    assert store.find_people("jose DE vries") == (jose,)
    assert store.find_people("jose.devries@MINBZK.example") == (jose,)
    assert store.find_people("José") == ()  # a first name alone does not find anyone among everyone
    with services.engine.connect() as conn:
        row = conn.execute(select(people.c.name_hash, people.c.email_hash).where(people.c.id == jose)).one()
    assert row.name_hash and "vries" not in row.name_hash.lower() and "jose" not in row.email_hash.lower()

    with services.engine.begin() as conn:
        assert update_profile(conn, jose, NOW, name="José van Dam")
    assert store.find_people("jose de vries") == () and store.find_people("José van Dam") == (jose,)

    with services.engine.begin() as conn:  # a profile written before migration 0009
        conn.execute(update(people).where(people.c.id == jose).values(name_hash=None, email_hash=None))
    assert store.find_people("jose van dam") == (jose,)
    assert store.find_people("jose.devries@minbzk.example") == (jose,)
