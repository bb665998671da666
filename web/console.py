"""The staff console: case managers work handoffs at `/` of the web app (English, server-rendered).

Login with argon2-hashed passwords (web/accounts.py), a session cookie (HttpOnly, SameSite=Strict), a
CSRF token in every form, failed logins throttled, every action in the audit log. A handoff goes
requested → open (first viewed) → claimed (the bot is paused: the person's messages still arrive
here) → resolved (the bot resumes and tells the person, in their language). Replies reach the person on
their own channel through Rasa (web/rasa_api.py); each is written to the database first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import secrets
from pathlib import Path
from typing import Any, Callable, Dict, List
from urllib.parse import urlencode

from babel import Locale
from sanic import Sanic, response
from sanic.request import Request

from actions.answers import INTENT_TOPICS, TOPIC_LABELS
from bot.catalog import RIGHT_TO_LEFT, msgid
from web.accounts import ROLES, Accounts, TooManyAttemptsError
from web.dashboard import dashboard_figures, handoffs_csv
from web.rasa_api import RasaAPI, RasaUnavailableError

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "ihp_staff"
LOGIN_CSRF_COOKIE = "ihp_login_csrf"
MAX_REPLY_LENGTH = 4000
RECENT_MESSAGES = 30
EXPIRED_FORM = "This form has expired. Go back, reload the page and try again."
CONSOLE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# What the person is told, in their language, when a case manager joins and when the case is closed.
CLAIMED_MESSAGE = msgid("handoff.claimed")
RESOLVED_MESSAGE = msgid("handoff.resolved")
REASONS = {"requested": "asked for a person", "not_understood": "the bot did not understand twice"}
REOPEN_WINDOW = dt.timedelta(days=30)
FILTERS = ("status", "language", "channel", "state", "profession")
ENGLISH = Locale("en")
CHANNEL_NAMES = {"socketio": "web widget", "telegram": "Telegram", "twilio": "SMS", "rest": "REST API"}


def english_language_name(code: str | None) -> str:
    return ENGLISH.languages.get(code or "", code or "unknown")


def channel_name(channel: str | None) -> str:
    return CHANNEL_NAMES.get(channel or "", channel or "unknown")


def case_brief(handoff: Dict[str, Any], renderer: Any, roadmap: Dict[str, Any] | None) -> Dict[str, str]:
    """The English summary a case manager reads first."""
    profile = handoff["profile"]

    def label(prefix: str, value: str | None) -> str:
        return renderer.text("en", f"{prefix}.{value}") if value else "not given"

    milestones = (roadmap or {}).get("profile", {}).get("milestones") or profile.get("milestones") or []
    return {
        "language": english_language_name(handoff["language"]),
        "channel": channel_name(handoff["channel"]),
        "profession": (profile.get("profession") or "not given").replace("_", " "),
        "country of training": ENGLISH.territories.get(profile.get("country") or "", "not given"),
        "state": label("state", profile.get("us_state")) if profile.get("us_state") else profile.get("place")
        or "not given",
        "status": label("status", profile.get("immigration_status")),
        "topics asked": ", ".join(handoff["topics"]) or "none",
        "roadmap": ("done: " + ", ".join(milestones)) if milestones else ("started" if roadmap else "none"),
        "reason": REASONS.get(handoff["reason"], handoff["reason"]),
    }


def conversation_lines(events: List[Dict[str, Any]], limit: int = RECENT_MESSAGES) -> List[Dict[str, Any]]:
    """The last messages verbatim, the person's with the English label of the topic they asked."""
    lines = []
    for event in events:
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            topic = TOPIC_LABELS.get(INTENT_TOPICS.get(intent, ""), "")
            text = event.get("text") or ""
            if text.startswith("/") and intent:  # a button's payload, or the widget opening
                text = f"(button: {intent.replace('_', ' ')})"
            lines.append({"who": "person", "text": text, "topic": topic, "at": event.get("timestamp")})
        elif event.get("event") == "bot":
            staff = (event.get("metadata") or {}).get("sender") == "staff"
            lines.append({"who": "case manager" if staff else "bot", "text": event.get("text") or "",
                          "topic": "", "at": event.get("timestamp"),
                          "direction": "rtl" if (event.get("metadata") or {}).get("language") in RIGHT_TO_LEFT
                          else "ltr"})
    for line in lines:
        line["at"] = dt.datetime.utcfromtimestamp(line["at"]).strftime("%Y-%m-%d %H:%M") if line["at"] else ""
    return lines[-limit:]


def filtered(handoffs: List[Dict[str, Any]], args: Dict[str, str], now: dt.datetime) -> List[Dict[str, Any]]:
    def value(handoff: Dict[str, Any], name: str) -> str | None:
        if name in ("state", "profession"):
            key = "us_state" if name == "state" else "profession"
            return handoff["profile"].get(key)
        return handoff.get(name)

    chosen = [h for h in handoffs if all(not args.get(f) or value(h, f) == args[f] for f in FILTERS)]
    if args.get("age", "").isdigit():
        oldest = now - dt.timedelta(days=int(args["age"]))
        chosen = [h for h in chosen if h["created_at"] >= oldest]
    return chosen


async def reopen_when_people_write_again(
    store: Any, rasa: RasaAPI, now: dt.datetime | None = None
) -> List[str]:
    """Reopens each case resolved in the last REOPEN_WINDOW whose person has written since; returns them."""
    now = now or dt.datetime.utcnow()
    reopened = []
    for handoff, resolved_at in store.resolved_since(now - REOPEN_WINDOW):
        since = resolved_at.replace(tzinfo=dt.timezone.utc).timestamp()
        try:
            events = await rasa.events(handoff["conversation_id"])
        except RasaUnavailableError:
            return reopened  # Rasa is down: the next round tries again
        if any(e.get("event") == "user" and (e.get("timestamp") or 0) > since for e in events):
            store.record_handoff_activity(handoff["reference"], "reopened", status="open",
                                          text="The person wrote again after the case was resolved.")
            reopened.append(handoff["reference"])
    return reopened


def client_address(request: Request) -> str:
    """The browser's address: behind TRUSTED_PROXIES proxies, the one they forwarded (Sanic reads
    X-Forwarded-For only then, so that nobody can claim another address by sending the header)."""
    return request.remote_addr or request.ip or ""


def register(app: Sanic, settings: Any, templates: Any) -> None:
    """Adds the console's routes to the web app."""

    @app.before_server_start
    async def open_console(app: Sanic, _loop: Any) -> None:
        app.ctx.accounts = Accounts(app.ctx.store.engine)
        app.ctx.rasa = RasaAPI(settings.rasa_url, settings.rasa_jwt_secret)

    @app.after_server_start
    async def watch_resolved_cases(app: Sanic, _loop: Any) -> None:
        async def watch() -> None:
            while True:
                await asyncio.sleep(settings.reopen_check_seconds)
                try:
                    await reopen_when_people_write_again(app.ctx.store, app.ctx.rasa)
                except Exception:  # noqa: BLE001 - the watch must outlive a database or Rasa hiccup
                    logger.exception("Could not check resolved cases for new messages")

        app.ctx.reopen_watch = asyncio.ensure_future(watch())

    @app.before_server_stop
    async def stop_watching(app: Sanic, _loop: Any) -> None:
        app.ctx.reopen_watch.cancel()

    secure = settings.public_url.startswith("https://")

    def page(request: Request, name: str, status: int = 200, **values: Any):
        session = getattr(request.ctx, "session", None)
        html = templates.get_template(f"console/{name}.html").render(session=session, **values)
        return response.html(html, status=status, headers=CONSOLE_HEADERS)

    def set_cookie(resp: Any, name: str, value: str, max_age: int) -> None:
        resp.cookies[name] = value
        cookie = resp.cookies[name]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/"
        cookie["max-age"] = max_age
        if secure:
            cookie["secure"] = True

    def staff_only(admin: bool = False) -> Callable:
        """Logged-in staff only (admins only if `admin`); every POST must carry the session's CSRF token."""
        def decorate(handler: Callable) -> Callable:
            @functools.wraps(handler)
            async def wrapped(request: Request, *args: Any, **kwargs: Any):
                session = app.ctx.accounts.session(request.cookies.get(SESSION_COOKIE))
                if session is None:
                    if request.method == "GET":
                        return response.redirect("/login?" + urlencode({"next": request.path}))
                    return page(request, "error", 403, message="Please log in again.")
                request.ctx.session = session
                if admin and not session.user.is_admin:
                    return page(request, "error", 403, message="Only an administrator can do this.")
                if request.method == "POST" and not secrets.compare_digest(
                    request.form.get("csrf_token", ""), session.csrf_token
                ):
                    app.ctx.accounts.audit(session.user, "csrf_rejected", request.path)
                    return page(request, "error", 403, message=EXPIRED_FORM)
                return await handler(request, *args, **kwargs)
            return wrapped
        return decorate

    # Logging in and out ------------------------------------------------------------------------
    @app.get("/login")
    async def login_form(request: Request):
        token = secrets.token_urlsafe(24)
        resp = page(request, "login", csrf_token=token, next=_safe_next(request.args.get("next")),
                    first_run=not app.ctx.accounts.has_users())
        set_cookie(resp, LOGIN_CSRF_COOKIE, token, 3600)
        return resp

    @app.post("/login")
    async def login(request: Request):
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not secrets.compare_digest(request.form.get("csrf_token", ""), expected):
            return page(request, "error", 403, message="This form has expired. Reload the login page.")
        email = request.form.get("email", "")
        next_path = _safe_next(request.form.get("next"))
        try:
            password = request.form.get("password", "")
            user = app.ctx.accounts.authenticate(email, password, client_address(request))
        except TooManyAttemptsError:
            app.ctx.accounts.audit(None, "login_throttled", email.strip().lower()[:100])
            return page(request, "login", 429, csrf_token=expected, next=next_path, email=email,
                        error="Too many failed attempts. Wait 15 minutes and try again.")
        if user is None:
            app.ctx.accounts.audit(None, "login_failed", email.strip().lower()[:100])
            return page(request, "login", 401, csrf_token=expected, next=next_path, email=email,
                        error="Wrong e-mail address or password.")
        token, _session = app.ctx.accounts.start_session(user)
        app.ctx.accounts.audit(user, "login")
        resp = response.redirect(next_path)
        set_cookie(resp, SESSION_COOKIE, token, 12 * 3600)
        del resp.cookies[LOGIN_CSRF_COOKIE]
        return resp

    @app.post("/logout")
    @staff_only()
    async def logout(request: Request):
        app.ctx.accounts.end_session(request.cookies.get(SESSION_COOKIE))
        app.ctx.accounts.audit(request.ctx.session.user, "logout")
        resp = response.redirect("/login")
        del resp.cookies[SESSION_COOKIE]
        return resp

    # Cases -------------------------------------------------------------------------------------
    def inbox_view(request: Request) -> Dict[str, Any]:
        args = {name: request.args.get(name, "") for name in (*FILTERS, "age")}
        everything = app.ctx.store.handoffs()
        options = {
            name: sorted({str(v) for v in (
                (h["profile"].get("us_state") if name == "state" else h["profile"].get("profession"))
                if name in ("state", "profession") else h.get(name) for h in everything) if v})
            for name in FILTERS
        }
        return {
            "handoffs": filtered(everything, args, dt.datetime.utcnow()), "args": args, "options": options,
            "language_name": english_language_name, "channel_name": channel_name,
            "query": urlencode({k: v for k, v in args.items() if v}),
        }

    @app.get("/")
    @staff_only()
    async def inbox(request: Request):
        return page(request, "inbox", **inbox_view(request))

    @app.get("/inbox/rows")
    @staff_only()
    async def inbox_rows(request: Request):
        return page(request, "_inbox_rows", **inbox_view(request))

    @app.get("/console.js")
    async def console_script(_request: Request):
        return await response.file(STATIC / "console.js", headers={"Cache-Control": "no-cache"},
                                   mime_type="application/javascript")

    async def conversation_of(handoff: Dict[str, Any]) -> Dict[str, Any]:
        try:
            events = await app.ctx.rasa.events(handoff["conversation_id"])
        except RasaUnavailableError as error:
            return {"lines": [], "unavailable": str(error)}
        return {"lines": conversation_lines(events), "unavailable": None}

    def with_case(handler: Callable) -> Callable:
        """Passes the case named in the path to the handler; 404 when there is none."""
        @functools.wraps(handler)
        async def wrapped(request: Request, reference: str):
            handoff = app.ctx.store.handoff(reference)
            if handoff is None:
                return page(request, "error", 404, message="There is no case with this reference.")
            return await handler(request, handoff)
        return wrapped

    def record(request: Request, handoff: Dict[str, Any], kind: str, text: str = "",
               status: str | None = None, holder: Any = None) -> None:
        """What a staff member did to a case: in its activity (with the new status) and the audit log."""
        user = request.ctx.session.user
        holder = holder or user
        reference = handoff["reference"]
        app.ctx.store.record_handoff_activity(reference, kind, holder.id, holder.name, text, status)
        app.ctx.accounts.audit(user, kind, reference, holder.name if holder is not user else "")
        if status:
            handoff["status"] = status

    @app.get("/cases/<reference:str>/conversation")
    @staff_only()
    @with_case
    async def case_conversation(request: Request, handoff: Dict[str, Any]):
        return page(request, "_conversation", **await conversation_of(handoff))

    @app.get("/cases/<reference:str>")
    @staff_only()
    @with_case
    async def case(request: Request, handoff: Dict[str, Any]):
        if handoff["status"] == "requested":
            record(request, handoff, "opened", status="open")
        app.ctx.accounts.audit(request.ctx.session.user, "view_case", handoff["reference"])
        brief = case_brief(handoff, app.ctx.renderer, app.ctx.store.roadmap_for(handoff["conversation_id"]))
        return page(request, "case", handoff=handoff, brief=brief, **await conversation_of(handoff),
                    colleagues=app.ctx.accounts.users(), activity=app.ctx.store.handoff_activity(
                        handoff["reference"]), notice=request.args.get("notice"))

    async def tell_person(handoff: Dict[str, Any], events: List[Dict[str, Any]]) -> str | None:
        """Sends events to the person's conversation; the problem in words if Rasa refused."""
        try:
            await app.ctx.rasa.append(handoff["conversation_id"], events, handoff["channel"])
        except RasaUnavailableError as error:
            logger.error("Could not reach the conversation of case %s: %s", handoff["reference"], error)
            return str(error)
        return None

    def to_person(handoff: Dict[str, Any], text: str, from_staff: bool = True) -> Dict[str, Any]:
        language = handoff["language"] or settings.default_language
        metadata = {"language": language, "direction": "rtl" if language in RIGHT_TO_LEFT else "ltr"}
        if from_staff:
            metadata["sender"] = "staff"
        return {"event": "bot", "text": text, "metadata": metadata}

    def notice_to_person(handoff: Dict[str, Any], message_id: str) -> Dict[str, Any]:
        text = app.ctx.renderer.text(handoff["language"] or settings.default_language, message_id)
        return to_person(handoff, text, from_staff=False)

    def back(handoff: Dict[str, Any], notice: str | None = None):
        query = f"?{urlencode({'notice': notice})}" if notice else ""
        return response.redirect(f"/cases/{handoff['reference']}{query}")

    async def hand_to(request: Request, handoff: Dict[str, Any], holder: Any) -> str | None:
        """Gives the case to `holder` (claimed); the bot goes quiet and the person is told, once."""
        already = handoff["status"] == "claimed"
        user = request.ctx.session.user
        note = "" if holder.id == user.id else f"assigned by {user.name}"
        record(request, handoff, "claimed", note, status="claimed", holder=holder)
        if already:
            return None
        problem = await tell_person(handoff, [{"event": "pause"}, notice_to_person(handoff, CLAIMED_MESSAGE)])
        return problem and f"Claimed, but the conversation was not reached: {problem}"

    @app.post("/cases/<reference:str>/claim")
    @staff_only()
    @with_case
    async def claim(request: Request, handoff: Dict[str, Any]):
        if handoff["status"] == "claimed":
            return back(handoff, f"Already claimed by {handoff['claimed_by']}.")
        return back(handoff, await hand_to(request, handoff, request.ctx.session.user))

    @app.post("/cases/<reference:str>/assign")
    @staff_only()
    @with_case
    async def assign(request: Request, handoff: Dict[str, Any]):
        chosen = request.form.get("staff_id", "")
        holder = app.ctx.accounts.user(int(chosen)) if chosen.isdigit() else None
        if holder is None:
            return back(handoff, "Choose a colleague to assign the case to.")
        problem = await hand_to(request, handoff, holder)
        return back(handoff, problem or f"Assigned to {holder.name}.")

    @app.post("/cases/<reference:str>/reply")
    @staff_only()
    @with_case
    async def reply(request: Request, handoff: Dict[str, Any]):
        text = (request.form.get("text") or "").strip()[:MAX_REPLY_LENGTH]
        if not text:
            return back(handoff, "The reply was empty.")
        record(request, handoff, "reply", text)
        problem = await tell_person(handoff, [to_person(handoff, text)])
        return back(handoff, f"Saved, but not delivered: {problem}" if problem else "Reply sent.")

    @app.post("/cases/<reference:str>/note")
    @staff_only()
    @with_case
    async def note(request: Request, handoff: Dict[str, Any]):
        text = (request.form.get("text") or "").strip()[:MAX_REPLY_LENGTH]
        if text:
            record(request, handoff, "note", text)
        return back(handoff)

    @app.post("/cases/<reference:str>/resolve")
    @staff_only()
    @with_case
    async def resolve(request: Request, handoff: Dict[str, Any]):
        record(request, handoff, "resolved", status="resolved")
        resumed = [{"event": "resume"}, notice_to_person(handoff, RESOLVED_MESSAGE)]
        problem = await tell_person(handoff, resumed)
        return back(handoff, problem and f"Resolved, but the conversation was not reached: {problem}")

    # Dashboard ---------------------------------------------------------------------------------
    def figures() -> Dict[str, Any]:
        store = app.ctx.store
        now = dt.datetime.utcnow()
        return dashboard_figures(
            store.handoffs(), store.first_replies(), now, english_language_name, channel_name
        )

    @app.get("/dashboard")
    @staff_only()
    async def dashboard(request: Request):
        return page(request, "dashboard", figures=figures())

    @app.get("/handoffs.csv")
    @staff_only()
    async def export(request: Request):
        app.ctx.accounts.audit(request.ctx.session.user, "export_csv")
        body = handoffs_csv(app.ctx.store.handoffs(), figures()["waits"])
        return response.text(body, content_type="text/csv; charset=utf-8", headers={
            **CONSOLE_HEADERS, "Content-Disposition": 'attachment; filename="handoffs.csv"'})

    # Administration ----------------------------------------------------------------------------
    @app.get("/staff")
    @staff_only(admin=True)
    async def staff(request: Request):
        return page(request, "staff", users=app.ctx.accounts.users(), roles=ROLES,
                    notice=request.args.get("notice"), audit=app.ctx.accounts.audit_entries(50))

    @app.post("/staff")
    @staff_only(admin=True)
    async def add_staff(request: Request):
        form = {k: (request.form.get(k) or "").strip() for k in ("email", "name", "role", "password")}
        form["password"] = request.form.get("password") or ""  # spaces are part of a password
        try:
            created = app.ctx.accounts.create_user(**form)
        except ValueError as error:
            return response.redirect("/staff?" + urlencode({"notice": str(error)}))
        except Exception:  # noqa: BLE001 - a duplicate e-mail address, mostly
            return response.redirect("/staff?" + urlencode({"notice": "Could not create this account."}))
        app.ctx.accounts.audit(request.ctx.session.user, "create_user", created.email, created.role)
        return response.redirect("/staff?" + urlencode({"notice": f"Account created for {created.email}."}))


def _safe_next(path: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    return path if path and path.startswith("/") and not path.startswith("//") else "/"
