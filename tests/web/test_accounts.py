import datetime as dt

import pytest
import sqlalchemy as sa

from web import accounts as module
from web.accounts import Accounts, TooManyAttemptsError

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(tmp_path):
    return Accounts.from_url(f"sqlite:///{tmp_path / 'app.db'}")


def test_the_right_password_logs_in_and_a_wrong_one_does_not(accounts):
    created = accounts.create_user("Ana@Example.org ", "Ana Díaz", "case_manager", PASSWORD)
    assert created.email == "ana@example.org"
    assert accounts.authenticate("ana@example.org", PASSWORD, "10.0.0.1") == created
    assert accounts.authenticate("ANA@example.org", PASSWORD + "!", "10.0.0.1") is None
    assert accounts.authenticate("nobody@example.org", PASSWORD, "10.0.0.1") is None


def test_passwords_are_stored_as_argon2_hashes_only(accounts):
    accounts.create_user("ana@example.org", "Ana", "admin", PASSWORD)
    with accounts.engine.connect() as conn:
        stored = conn.execute(sa.select(module.staff_users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert all("password_hash" not in user for user in accounts.users())


@pytest.mark.parametrize("role, password", [("boss", PASSWORD), ("admin", "short")])
def test_unknown_roles_and_short_passwords_are_refused(accounts, role, password):
    with pytest.raises(ValueError):
        accounts.create_user("ana@example.org", "Ana", role, password)


def test_repeated_failures_lock_the_address_even_with_the_right_password(accounts):
    accounts.create_user("ana@example.org", "Ana", "case_manager", PASSWORD)
    for _ in range(module.MAX_FAILED_LOGINS):
        assert accounts.authenticate("ana@example.org", "guess", "10.0.0.2") is None
    with pytest.raises(TooManyAttemptsError):
        accounts.authenticate("ana@example.org", PASSWORD, "10.0.0.3")


def test_repeated_failures_from_one_client_lock_it_for_every_address(accounts):
    for number in range(module.MAX_FAILED_LOGINS_PER_CLIENT):
        accounts.authenticate(f"user{number}@example.org", "guess", "10.0.0.9")
    accounts.create_user("ana@example.org", "Ana", "case_manager", PASSWORD)
    with pytest.raises(TooManyAttemptsError):
        accounts.authenticate("ana@example.org", PASSWORD, "10.0.0.9")
    assert accounts.authenticate("ana@example.org", PASSWORD, "10.0.0.10") is not None


def test_failures_older_than_the_window_are_forgotten(accounts, monkeypatch):
    accounts.create_user("ana@example.org", "Ana", "case_manager", PASSWORD)
    past = dt.datetime(2020, 1, 1)
    monkeypatch.setattr(module, "_now", lambda: past)
    for _ in range(module.MAX_FAILED_LOGINS):
        accounts.authenticate("ana@example.org", "guess", "10.0.0.2")
    monkeypatch.setattr(module, "_now", lambda: past + module.FAILED_LOGIN_WINDOW + dt.timedelta(seconds=1))
    assert accounts.authenticate("ana@example.org", PASSWORD, "10.0.0.2") is not None


def test_a_session_opens_by_its_token_only_until_it_ends_or_expires(accounts, monkeypatch):
    user = accounts.create_user("ana@example.org", "Ana", "admin", PASSWORD)
    token, session = accounts.start_session(user)
    assert accounts.session(token) == session and session.user.is_admin
    assert accounts.session(token + "x") is None and accounts.session(None) is None
    with accounts.engine.connect() as conn:
        stored = conn.execute(sa.select(module.staff_sessions.c.token_hash)).scalar_one()
    assert token not in stored  # only a digest is stored
    later = module._now() + dt.timedelta(hours=module.SESSION_HOURS + 1)
    monkeypatch.setattr(module, "_now", lambda: later)
    assert accounts.session(token) is None
    monkeypatch.undo()
    accounts.end_session(token)
    assert accounts.session(token) is None


def test_the_audit_log_records_who_did_what(accounts):
    user = accounts.create_user("ana@example.org", "Ana", "admin", PASSWORD)
    accounts.audit(user, "claim", "H-ABC123")
    accounts.audit(None, "login_failed", "someone@example.org")
    entries = accounts.audit_entries()
    assert [(e["name"], e["action"], e["target"]) for e in entries] == [
        (None, "login_failed", "someone@example.org"), ("Ana", "claim", "H-ABC123"),
    ]


def test_create_admin_from_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setattr(module.getpass, "getpass", lambda prompt: PASSWORD)
    module.main(["create-admin", "boss@example.org", "The Boss"])
    assert "Admin account created for boss@example.org" in capsys.readouterr().out
    accounts = Accounts.from_url(f"sqlite:///{tmp_path / 'app.db'}")
    assert accounts.authenticate("boss@example.org", PASSWORD, "127.0.0.1").is_admin
    with pytest.raises(SystemExit, match="already an account"):
        module.main(["create-admin", "boss@example.org", "The Boss"])
