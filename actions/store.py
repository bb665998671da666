"""The app database (SQLAlchemy 1.4 Core): knowledge base tables and durable handoff records.

One `DATABASE_URL`: a SQLite file by default, PostgreSQL in production.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any, Dict, Iterable, List

import sqlalchemy as sa

from bot import database

metadata = sa.MetaData()

kb_entries = sa.Table(
    "kb_entries",
    metadata,
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("last_reviewed", sa.Date, nullable=False),
)

programs = sa.Table(
    "programs",
    metadata,
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("state", sa.String(2), index=True),
    sa.Column("city", sa.String(100)),
    sa.Column("national", sa.Boolean, nullable=False, default=False),
    sa.Column("url", sa.String(500), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("last_reviewed", sa.Date, nullable=False),
)

handoffs = sa.Table(
    "handoffs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(16), unique=True, nullable=False),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(40)),
    sa.Column("language", sa.String(8)),
    sa.Column("status", sa.String(20), nullable=False, default="requested"),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("profile", sa.Text, nullable=False),
    sa.Column("topics", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# Everything that happens to a handoff after it is recorded, oldest first: a case manager opens, claims,
# replies, notes, resolves; the person writes again. The handoff's `status` follows it.
handoff_activity = sa.Table(
    "handoff_activity",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(16), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("staff_id", sa.Integer),
    sa.Column("staff_name", sa.String(200)),
    sa.Column("text", sa.Text, nullable=False, default=""),
)
HANDOFF_STATUSES = ("requested", "open", "claimed", "resolved")

# The profile behind each person's printable roadmap; the token is the stable, unguessable link.
roadmaps = sa.Table(
    "roadmaps",
    metadata,
    sa.Column("token", sa.String(32), primary_key=True),
    sa.Column("conversation_id", sa.String(255), unique=True, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("profile", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def create_engine(url: str) -> sa.engine.Engine:
    engine = database.create_engine(url, future=True, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


class Store:
    """Queries over the app database. The engine is passed in (tests use a temporary SQLite)."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    # Knowledge base -----------------------------------------------------------------------------
    def replace_kb(self, entries: Iterable[Dict[str, Any]], program_rows: Iterable[Dict[str, Any]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(kb_entries.delete())
            conn.execute(programs.delete())
            rows = list(entries)
            if rows:
                conn.execute(kb_entries.insert(), rows)
            program_list = list(program_rows)
            if program_list:
                conn.execute(programs.insert(), program_list)

    def kb_entry(self, kind: str, key: str) -> Dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(kb_entries.c.data).where(kb_entries.c.kind == kind, kb_entries.c.key == key)
            ).first()
        return json.loads(row.data) if row else None

    def kb_entries(self, kind: str) -> List[Dict[str, Any]]:
        """Every entry of one kind, each with its `key`."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(kb_entries.c.key, kb_entries.c.data).where(kb_entries.c.kind == kind)
            ).all()
        return [{**json.loads(row.data), "key": row.key} for row in rows]

    def programs_in_state(self, state: str) -> List[Dict[str, Any]]:
        query = (
            sa.select(programs.c.data)
            .where(programs.c.state == state)
            .order_by(programs.c.national, programs.c.city, programs.c.name)
        )
        with self.engine.connect() as conn:
            return [json.loads(row.data) for row in conn.execute(query)]

    def kb_counts(self) -> Dict[str, int]:
        with self.engine.connect() as conn:
            entries = conn.execute(sa.select(sa.func.count()).select_from(kb_entries)).scalar_one()
            program_count = conn.execute(sa.select(sa.func.count()).select_from(programs)).scalar_one()
        return {"kb_entries": entries, "programs": program_count}

    # Handoffs -----------------------------------------------------------------------------------
    def create_handoff(
        self,
        conversation_id: str,
        channel: str | None,
        language: str | None,
        reason: str,
        profile: Dict[str, Any],
        topics: List[str],
    ) -> str:
        """Writes the handoff and commits before returning its reference."""
        reference = "H-" + secrets.token_hex(3).upper()
        with self.engine.begin() as conn:
            conn.execute(
                handoffs.insert().values(
                    reference=reference,
                    conversation_id=conversation_id,
                    channel=channel,
                    language=language,
                    status="requested",
                    reason=reason,
                    profile=json.dumps(profile, ensure_ascii=False),
                    topics=json.dumps(topics),
                    created_at=_now(),
                )
            )
        return reference

    def _handoffs(self, *conditions: Any) -> List[Dict[str, Any]]:
        """Handoffs matching `conditions`, newest first, decoded, with who holds each claimed one."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(handoffs).where(*conditions).order_by(handoffs.c.id.desc())
            ).mappings().all()
            claims = sa.select(handoff_activity.c.reference, handoff_activity.c.staff_name).where(
                handoff_activity.c.kind == "claimed",
                handoff_activity.c.reference.in_([r["reference"] for r in rows if r["status"] == "claimed"]),
            )
            holders = dict(conn.execute(claims.order_by(handoff_activity.c.id)).all())  # the last claim wins
        return [
            {**row, "profile": json.loads(row["profile"]), "topics": json.loads(row["topics"]),
             "claimed_by": holders.get(row["reference"])}
            for row in rows
        ]

    def handoffs(self) -> List[Dict[str, Any]]:
        return self._handoffs()

    def handoffs_for(self, conversation_id: str) -> List[Dict[str, Any]]:
        return self._handoffs(handoffs.c.conversation_id == conversation_id)

    def handoff(self, reference: str) -> Dict[str, Any] | None:
        return next(iter(self._handoffs(handoffs.c.reference == reference)), None)

    def handoff_activity(self, reference: str) -> List[Dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(handoff_activity).where(handoff_activity.c.reference == reference)
                .order_by(handoff_activity.c.id)
            ).mappings()
            return [dict(row) for row in rows]

    def resolved_since(self, since: dt.datetime) -> List[tuple]:
        """(handoff, when it was resolved) for every handoff still resolved and resolved after `since`."""
        with self.engine.connect() as conn:
            resolved = dict(conn.execute(
                sa.select(handoff_activity.c.reference, sa.func.max(handoff_activity.c.at))
                .where(handoff_activity.c.kind == "resolved").group_by(handoff_activity.c.reference)
            ).all())
        return [
            (h, resolved[h["reference"]]) for h in self.handoffs()
            if h["status"] == "resolved" and resolved.get(h["reference"], dt.datetime.min) >= since
        ]

    def first_replies(self) -> Dict[str, dt.datetime]:
        """When each handoff got its first reply from a case manager."""
        with self.engine.connect() as conn:
            return dict(conn.execute(
                sa.select(handoff_activity.c.reference, sa.func.min(handoff_activity.c.at))
                .where(handoff_activity.c.kind == "reply").group_by(handoff_activity.c.reference)
            ).all())

    def record_handoff_activity(
        self, reference: str, kind: str, staff_id: int | None = None, staff_name: str | None = None,
        text: str = "", status: str | None = None,
    ) -> None:
        """Writes what happened (and the new status) in one transaction, before anyone is told."""
        if status is not None and status not in HANDOFF_STATUSES:
            raise ValueError(f"unknown handoff status {status!r}")
        with self.engine.begin() as conn:
            conn.execute(handoff_activity.insert().values(
                reference=reference, at=_now(), kind=kind, staff_id=staff_id, staff_name=staff_name,
                text=text,
            ))
            if status is not None:
                conn.execute(handoffs.update().where(handoffs.c.reference == reference).values(status=status))

    # Roadmaps ------------------------------------------------------------------------------------
    def save_roadmap(self, conversation_id: str, language: str, profile: Dict[str, Any]) -> str:
        """Stores the latest profile of a conversation's roadmap; the token stays the same."""
        values = {
            "language": language,
            "profile": json.dumps(profile, ensure_ascii=False),
            "updated_at": _now(),
        }
        with self.engine.begin() as conn:
            token = conn.execute(
                sa.select(roadmaps.c.token).where(roadmaps.c.conversation_id == conversation_id)
            ).scalar()
            if token:
                conn.execute(roadmaps.update().where(roadmaps.c.token == token).values(**values))
            else:
                token = secrets.token_urlsafe(16)
                conn.execute(roadmaps.insert().values(token=token, conversation_id=conversation_id, **values))
        return token

    def roadmap_for(self, conversation_id: str) -> Dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(roadmaps).where(roadmaps.c.conversation_id == conversation_id)
            ).mappings().first()
        return {**row, "profile": json.loads(row["profile"])} if row else None

    def roadmap(self, token: str) -> Dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(roadmaps).where(roadmaps.c.token == token)).mappings().first()
        return {**row, "profile": json.loads(row["profile"])} if row else None

    # Erasure and retention (docs/privacy.md) ------------------------------------------------------
    def erase_conversation(self, conversation_id: str) -> Dict[str, int]:
        """"Delete my data": the person's handoffs with their case history, and their plan."""
        with self.engine.begin() as conn:
            references = conn.execute(
                sa.select(handoffs.c.reference).where(handoffs.c.conversation_id == conversation_id)
            ).scalars().all()
            return self._erase(conn, references, roadmaps.c.conversation_id == conversation_id)

    def erase_inactive_since(self, cutoff: dt.datetime) -> Dict[str, int]:
        """Retention: handoffs with nothing recorded since `cutoff`, and plans not updated since."""
        latest = sa.func.max(handoff_activity.c.at)
        with self.engine.begin() as conn:
            active = sa.select(handoff_activity.c.reference).group_by(handoff_activity.c.reference).having(
                latest >= cutoff
            )
            references = conn.execute(
                sa.select(handoffs.c.reference).where(
                    handoffs.c.created_at < cutoff, handoffs.c.reference.not_in(active)
                )
            ).scalars().all()
            return self._erase(conn, references, roadmaps.c.updated_at < cutoff)

    @staticmethod
    def _erase(conn: Any, references: List[str], plans: Any) -> Dict[str, int]:
        erased = {"handoffs": 0, "handoff_activity": 0}
        for start in range(0, len(references), 500):  # SQLite's limit on bound parameters
            batch = references[start:start + 500]
            erased["handoff_activity"] += conn.execute(
                handoff_activity.delete().where(handoff_activity.c.reference.in_(batch))
            ).rowcount
            erased["handoffs"] += conn.execute(
                handoffs.delete().where(handoffs.c.reference.in_(batch))
            ).rowcount
        erased["roadmaps"] = conn.execute(roadmaps.delete().where(plans)).rowcount
        return erased
