"""Settings for the outside notification channels: e-mail (SMTP) and the WeCom group robot.

Kept apart from :mod:`schemas.kernel.config` because the rules are specific: in development e-mail goes
to Baton's own mail catcher (``baton dev`` starts it; the dev mailbox page shows what arrived),
so nobody needs an SMTP account to see what Baton would send. Naming a real server with
``BATON_SMTP_HOST`` turns the catcher off. Secrets (SMTP password, the WeCom webhook, whose URL
carries the robot's key) are kept out of ``repr`` so they never end up in a log line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAIL_CATCHER_HOST = "127.0.0.1"
DEFAULT_MAIL_CATCHER_PORT = 1025
DEFAULT_SENDER = "Baton <baton@localhost>"


@dataclass(frozen=True)
class EmailSettings:
    """Where notification e-mail goes. ``mail_catcher`` means host/port are Baton's dev catcher."""

    enabled: bool = False
    host: str = MAIL_CATCHER_HOST
    port: int = DEFAULT_MAIL_CATCHER_PORT
    sender: str = DEFAULT_SENDER
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    mail_catcher: bool = False
    timeout: float = 15.0


@dataclass(frozen=True)
class WeComSettings:
    """The WeCom (企业微信) group robot that hears every notification, naming its recipient."""

    enabled: bool = False
    webhook_url: str | None = field(default=None, repr=False)
    timeout: float = 10.0


@dataclass(frozen=True)
class NotifySettings:
    email: EmailSettings = field(default_factory=EmailSettings)
    wecom: WeComSettings = field(default_factory=WeComSettings)
    mail_catcher_port: int = DEFAULT_MAIL_CATCHER_PORT
    public_url: str | None = None  # how people reach Baton, for links in messages; None = the web address

    @property
    def uses_mail_catcher(self) -> bool:
        """True when e-mail is on and goes to the local catcher: the dev stack then runs it."""
        return self.email.enabled and self.email.mail_catcher


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def load_notify_settings(raw: dict[str, Any], env: dict[str, str]) -> NotifySettings:
    """Build from the YAML ``notify`` section and ``BATON_*`` overrides.

    A missing section means the dev default: e-mail on, to the catcher; WeCom off.
    ``BATON_SMTP_HOST`` switches e-mail to a real server (catcher off); ``BATON_WECOM_WEBHOOK``
    switches the robot on.
    """
    email = raw.get("email") or {}
    wecom = raw.get("wecom") or {}
    catcher_port = int(
        env.get("BATON_MAIL_CATCHER_PORT") or email.get("mail_catcher_port") or DEFAULT_MAIL_CATCHER_PORT
    )
    smtp_host = env.get("BATON_SMTP_HOST") or None
    mail_catcher = _truthy(email.get("mail_catcher", True)) and smtp_host is None
    if mail_catcher:
        host, port = MAIL_CATCHER_HOST, catcher_port
    else:
        host = smtp_host or str(email.get("host") or "localhost")
        port = int(env.get("BATON_SMTP_PORT") or email.get("port") or 587)
    email_settings = EmailSettings(
        enabled=_truthy(env.get("BATON_EMAIL_ENABLED", email.get("enabled", True))),
        host=host,
        port=port,
        sender=str(env.get("BATON_SMTP_SENDER") or email.get("sender") or DEFAULT_SENDER),
        username=None if mail_catcher else (env.get("BATON_SMTP_USERNAME") or email.get("username") or None),
        password=None if mail_catcher else (env.get("BATON_SMTP_PASSWORD") or email.get("password") or None),
        starttls=False if mail_catcher else _truthy(env.get("BATON_SMTP_STARTTLS", email.get("starttls", False))),
        mail_catcher=mail_catcher,
        timeout=float(email.get("timeout", 15)),
    )
    webhook = env.get("BATON_WECOM_WEBHOOK") or wecom.get("webhook_url") or None
    wecom_settings = WeComSettings(
        enabled=bool(webhook) and (bool(env.get("BATON_WECOM_WEBHOOK")) or _truthy(wecom.get("enabled", False))),
        webhook_url=webhook,
        timeout=float(wecom.get("timeout", 10)),
    )
    public_url = env.get("BATON_PUBLIC_URL") or raw.get("public_url") or None
    return NotifySettings(
        email=email_settings, wecom=wecom_settings, mail_catcher_port=catcher_port, public_url=public_url
    )
