"""A fake GOV.UK Notify API on 127.0.0.1, speaking Notify's real v2 HTTP API.

Heard's `NotifySender` uses the official `notifications-python-client` unchanged,
pointed here by its base URL (HEARD_NOTIFY_BASE_URL). The fake checks each request's
JWT bearer token as Notify does (HS256, signed with the key's secret, `iss` the
service id, `iat` within 30 seconds), and answers:

- POST /v2/notifications/sms and /v2/notifications/email: 201 with Notify's response
  (id, reference, content with the template filled in, uri, template), or Notify's
  errors: 400 ValidationError (not a UK mobile, a missing placeholder), 403 AuthError,
  and 429 RateLimitError / TooManyRequestsError when a test asks for them;
- GET /v2/notifications/{id}: the notification with its status (a test moves it on);
- GET /v2/notifications?reference=...: the list, as the client's get_all_notifications.

Messages are kept in memory so a test can read what a phone would receive.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"heard_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
EMAIL_TEMPLATE = "a1b2c3d4-e5f6-4890-abcd-ef1234567890"
# The council's own Arabic templates (HEARD_NOTIFY_*_TEMPLATE_ID_AR), written in Notify.
SMS_TEMPLATE_AR = "0b5c7e2a-3d41-4f6a-9e8b-1c2d3e4f5a6b"
EMAIL_TEMPLATE_AR = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a"
TEMPLATES = {
    SMS_TEMPLATE_AR: (
        "sms",
        None,
        "Heard: تسجيلك التالي جاهز: ((link))\nلإيقاف هذه الرسائل: ((stop_link))",
    ),
    EMAIL_TEMPLATE_AR: (
        "email",
        "تسجيلك التالي في Heard جاهز",
        "مرحبا،\n\nتسجيلك التالي جاهز: ((link))\n\nلإيقاف هذه الرسائل: ((stop_link))",
    ),
    SMS_TEMPLATE: (
        "sms",
        None,
        "Heard: your next check-in is ready. It takes a few minutes: ((link))\n"
        "To stop these texts, tap ((stop_link))",
    ),
    EMAIL_TEMPLATE: (
        "email",
        "Your next Heard check-in is ready",
        "Hello,\n\nYour next check-in is ready: ((link))\n\n"
        "To stop these emails, open ((stop_link))",
    ),
}
_PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")
_UK_MOBILE = re.compile(r"^(?:\+44|0044|44|0)7\d{9}$")


@dataclass
class Notification:
    id: str
    type: str
    to: str
    template_id: str
    reference: str | None
    subject: str | None
    body: str
    personalisation: dict[str, str]
    created_at: str
    status: str = "created"


@dataclass
class FakeNotify:
    notifications: list[Notification] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    # Answer the next N sends with 429 (Notify's per-minute rate limit).
    rate_limit_next: int = 0
    rate_limit_error: str = "RateLimitError"
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeNotify:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def do_POST(self) -> None:  # noqa: N802
                fake._handle(self, "POST")

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self, "GET")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # ------------------------------------------------------------------ for tests

    def to(self, recipient: str) -> list[Notification]:
        return [n for n in self.notifications if n.to == recipient]

    def set_status(self, notification_id: str, status: str) -> None:
        with self._lock:
            for found in self.notifications:
                if found.id == notification_id:
                    found.status = status

    # ------------------------------------------------------------------ the API

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        with self._lock:
            self.requests.append((method, parts.path))
        problem = self._auth(handler.headers.get("Authorization", ""))
        if problem is not None:
            self._reply(handler, 403, _errors(403, "AuthError", problem))
            return
        if method == "POST" and parts.path in ("/v2/notifications/sms", "/v2/notifications/email"):
            length = int(handler.headers.get("Content-Length") or 0)
            try:
                body = json.loads(handler.rfile.read(length) or b"{}")
            except ValueError:
                self._reply(handler, 400, _errors(400, "BadRequestError", "Invalid JSON"))
                return
            kind = parts.path.rsplit("/", 1)[1]
            status, reply = self._send(kind, body)
            self._reply(handler, status, reply)
            return
        if method == "GET" and parts.path == "/v2/notifications":
            wanted = parse_qs(parts.query).get("reference", [None])[0]
            with self._lock:
                found = [
                    self._as_json(n)
                    for n in reversed(self.notifications)
                    if wanted is None or n.reference == wanted
                ]
            self._reply(
                handler,
                200,
                {"notifications": found, "links": {"current": f"{self.base_url}/v2/notifications"}},
            )
            return
        match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", parts.path)
        if method == "GET" and match:
            with self._lock:
                found_one = next((n for n in self.notifications if n.id == match[1]), None)
            if found_one is None:
                self._reply(handler, 404, _errors(404, "NoResultFound", "No result found"))
            else:
                self._reply(handler, 200, self._as_json(found_one))
            return
        self._reply(handler, 404, _errors(404, "NotFound", "Not found"))

    def _auth(self, header: str) -> str | None:
        if not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        token = header[len("Bearer ") :]
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.DecodeError:
            return "Invalid token: signature"
        if unverified.get("iss") != SERVICE_ID:
            return "Invalid token: service not found"
        try:
            claims = jwt.decode(token, key=SECRET, algorithms=["HS256"], leeway=30)
        except jwt.InvalidTokenError:
            return "Invalid token: signature, api token not found"
        issued = int(claims.get("iat", 0))
        if abs(datetime.now(UTC).timestamp() - issued) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def _send(self, kind: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self.rate_limit_next > 0:
                self.rate_limit_next -= 1
                message = (
                    "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
                    if self.rate_limit_error == "RateLimitError"
                    else "Exceeded send limits (250000) for today"
                )
                return 429, _errors(429, self.rate_limit_error, message)
        template = TEMPLATES.get(str(body.get("template_id")))
        if template is None or template[0] != kind:
            return 400, _errors(400, "BadRequestError", "Template not found")
        field_name = "phone_number" if kind == "sms" else "email_address"
        recipient = str(body.get(field_name) or "")
        if kind == "sms" and not _UK_MOBILE.match(re.sub(r"[\s()-]", "", recipient)):
            return 400, _errors(400, "ValidationError", "phone_number Not a UK mobile number")
        if kind == "email" and "@" not in recipient:
            return 400, _errors(400, "ValidationError", "email_address Not a valid email address")
        values = {str(k): str(v) for k, v in (body.get("personalisation") or {}).items()}
        missing = [p for p in _PLACEHOLDER.findall(template[2]) if p not in values]
        if missing:
            return 400, _errors(
                400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
            )
        text = _PLACEHOLDER.sub(lambda m: values[m[1]], template[2])
        notification = Notification(
            id=str(uuid.uuid4()),
            type=kind,
            to=recipient,
            template_id=str(body["template_id"]),
            reference=body.get("reference"),
            subject=template[1],
            body=text,
            personalisation=values,
            created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        )
        with self._lock:
            self.notifications.append(notification)
        content: dict[str, Any] = {"body": text}
        if kind == "sms":
            content["from_number"] = "Heard"
        else:
            content["subject"] = template[1]
            content["from_email"] = "heard@notifications.service.gov.uk"
        return 201, {
            "id": notification.id,
            "reference": notification.reference,
            "content": content,
            "uri": f"{self.base_url}/v2/notifications/{notification.id}",
            "template": {
                "id": notification.template_id,
                "version": 1,
                "uri": f"{self.base_url}/v2/template/{notification.template_id}/version/1",
            },
            "scheduled_for": None,
        }

    def _as_json(self, n: Notification) -> dict[str, Any]:
        return {
            "id": n.id,
            "reference": n.reference,
            "email_address": n.to if n.type == "email" else None,
            "phone_number": n.to if n.type == "sms" else None,
            "type": n.type,
            "status": n.status,
            "template": {
                "id": n.template_id,
                "version": 1,
                "uri": f"{self.base_url}/v2/template/{n.template_id}/version/1",
            },
            "body": n.body,
            "subject": n.subject,
            "created_at": n.created_at,
            "created_by_name": None,
            "sent_at": n.created_at if n.status != "created" else None,
            "completed_at": n.created_at if n.status == "delivered" else None,
            "scheduled_for": None,
        }

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def _errors(status: int, error: str, message: str) -> dict[str, Any]:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}
