"""Staff accounts, login sessions, login throttling and the audit log, in the app database.

    python -m web.accounts create-admin <email> <name>     (asks for the password twice)

Passwords are hashed with argon2id (argon2-cffi's defaults). A session is a random token in an HttpOnly
cookie; only its SHA-256 is stored, so a copy of the database opens no session. Each session carries its
own CSRF token for the console's forms.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import secrets
import sys
from dataclasses import dataclass
from typing import Any, Dict, List

import sqlalchemy as sa

from bot import database

ROLES = ("admin", "case_manager")
SESSION_HOURS = 12
# Failed logins allowed in the window per e-mail address, and per client address (higher: an office's
# staff may share one address), before every login from there is refused until the window has passed.
MAX_FAILED_LOGINS = 5
MAX_FAILED_LOGINS_PER_CLIENT = 20
FAILED_LOGIN_WINDOW = dt.timedelta(minutes=15)

metadata = sa.MetaData()

staff_users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(254), unique=True, nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

staff_sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)

failed_logins = sa.Table(
    "failed_logins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(254), nullable=False, index=True),
    sa.Column("client", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("user_id", sa.Integer),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("target", sa.String(100)),
    sa.Column("detail", sa.Text),
)


class TooManyAttemptsError(Exception):
    """Logins refused for a while after repeated failures."""


@dataclass(frozen=True)
class StaffUser:
    id: int
    email: str
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Session:
    user: StaffUser
    csrf_token: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


class Accounts:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    @classmethod
    def from_url(cls, url: str) -> Accounts:
        return cls(database.create_engine(url, future=True, pool_pre_ping=True))

    # Users ---------------------------------------------------------------------------------------
    def create_user(self, email: str, name: str, role: str, password: str) -> StaffUser:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 12:
            raise ValueError("the password needs at least 12 characters")
        email = email.strip().lower()
        with self.engine.begin() as conn:
            user_id = conn.execute(staff_users.insert().values(
                email=email, name=name.strip(), role=role, password_hash=_hasher().hash(password),
                active=True, created_at=_now(),
            )).inserted_primary_key[0]
        return StaffUser(user_id, email, name.strip(), role)

    def users(self) -> List[Dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(staff_users).order_by(staff_users.c.name)).mappings()
            return [{k: v for k, v in row.items() if k != "password_hash"} for row in rows]

    def user(self, user_id: int) -> StaffUser | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(staff_users).where(staff_users.c.id == user_id, staff_users.c.active.is_(True))
            ).mappings().first()
        return StaffUser(row["id"], row["email"], row["name"], row["role"]) if row else None

    def has_users(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(staff_users)).scalar_one() > 0

    # Logging in ----------------------------------------------------------------------------------
    def authenticate(self, email: str, password: str, client: str) -> StaffUser | None:
        """The user for a right e-mail and password; None otherwise. Raises TooManyAttemptsError while the
        e-mail address or the client has failed too often recently, whatever the password."""
        from argon2.exceptions import InvalidHashError, VerifyMismatchError

        email = email.strip().lower()
        since = _now() - FAILED_LOGIN_WINDOW
        with self.engine.connect() as conn:
            limits = ((failed_logins.c.email, email, MAX_FAILED_LOGINS),
                      (failed_logins.c.client, client, MAX_FAILED_LOGINS_PER_CLIENT))
            for column, value, limit in limits:
                failures = conn.execute(
                    sa.select(sa.func.count()).select_from(failed_logins)
                    .where(column == value, failed_logins.c.at >= since)
                ).scalar_one()
                if failures >= limit:
                    raise TooManyAttemptsError()
            row = conn.execute(
                sa.select(staff_users).where(staff_users.c.email == email, staff_users.c.active.is_(True))
            ).mappings().first()
        try:
            if row is None:
                _hasher().hash(password)  # the same work as a real check: no timing hint
                raise VerifyMismatchError()
            _hasher().verify(row["password_hash"], password)
        except (VerifyMismatchError, InvalidHashError):
            with self.engine.begin() as conn:
                conn.execute(failed_logins.insert().values(email=email, client=client, at=_now()))
            return None
        with self.engine.begin() as conn:
            conn.execute(failed_logins.delete().where(failed_logins.c.email == email))
        return StaffUser(row["id"], row["email"], row["name"], row["role"])

    def start_session(self, user: StaffUser) -> tuple[str, Session]:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(staff_sessions.delete().where(staff_sessions.c.expires_at < _now()))
            conn.execute(staff_sessions.insert().values(
                token_hash=_digest(token), user_id=user.id, csrf_token=csrf,
                expires_at=_now() + dt.timedelta(hours=SESSION_HOURS),
            ))
        return token, Session(user, csrf)

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(staff_sessions.c.csrf_token, staff_users)
                .join(staff_users, staff_users.c.id == staff_sessions.c.user_id)
                .where(staff_sessions.c.token_hash == _digest(token), staff_sessions.c.expires_at > _now(),
                       staff_users.c.active.is_(True))
            ).mappings().first()
        if row is None:
            return None
        return Session(StaffUser(row["id"], row["email"], row["name"], row["role"]), row["csrf_token"])

    def end_session(self, token: str | None) -> None:
        if token:
            with self.engine.begin() as conn:
                conn.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == _digest(token)))

    # Audit ---------------------------------------------------------------------------------------
    def audit(self, user: StaffUser | None, action: str, target: str | None = None, detail: str = "") -> None:
        with self.engine.begin() as conn:
            conn.execute(audit_log.insert().values(
                at=_now(), user_id=user.id if user else None, action=action, target=target, detail=detail,
            ))

    def audit_entries(self, limit: int = 200) -> List[Dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(audit_log, staff_users.c.name)
                .join(staff_users, staff_users.c.id == audit_log.c.user_id, isouter=True)
                .order_by(audit_log.c.id.desc()).limit(limit)
            ).mappings()
            return [dict(row) for row in rows]


def main(argv: List[str] | None = None) -> None:
    from bot.config import load_settings

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] != "create-admin":
        raise SystemExit("usage: python -m web.accounts create-admin <email> <name>")
    _, email, name = args
    password = getpass.getpass("Password (12 characters or more): ")
    if password != getpass.getpass("Again: "):
        raise SystemExit("error: the two passwords differ")
    accounts = Accounts.from_url(load_settings().database_url)
    try:
        user = accounts.create_user(email, name, "admin", password)
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    except sa.exc.IntegrityError:
        raise SystemExit(f"error: there is already an account for {email}") from None
    accounts.audit(user, "create_admin", user.email, "from the command line")
    print(f"==> Admin account created for {user.email}. Log in at the console: {load_settings().public_url}/")


if __name__ == "__main__":
    main()
