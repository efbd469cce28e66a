"""Configuration: ``temporal-dev.yaml`` defaults, overridden by ``BATON_*`` environment variables.

One :class:`Settings` object is built at start-up and handed to the web app, the worker and the
CLI; nothing reads the environment anywhere else, so two stacks with different data dirs and
ports can run side by side and tests can build as many settings as they like.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from schemas.kernel.notify_settings import NotifySettings, load_notify_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT_ROOT / "temporal-dev.yaml"


@dataclass(frozen=True)
class DevServerSettings:
    port: int = 7233
    ui_port: int = 8233
    db_filename: str = "temporal.db"
    log_level: str = "warn"
    search_attributes: dict[str, str] = field(default_factory=dict)
    dynamic_config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TemporalSettings:
    address: str | None = None
    namespace: str = "default"
    task_queue: str = "baton"
    tls_enabled: bool = False
    tls_client_cert: str | None = None
    tls_client_key: str | None = None
    tls_server_ca: str | None = None
    api_key: str | None = None
    dev_server: DevServerSettings = field(default_factory=DevServerSettings)

    @property
    def uses_dev_server(self) -> bool:
        """No address configured means Baton starts and owns a local dev server."""
        return not self.address

    @property
    def target(self) -> str:
        return self.address or f"127.0.0.1:{self.dev_server.port}"

    @property
    def ui_url(self) -> str | None:
        if not self.uses_dev_server:
            return None
        return f"http://127.0.0.1:{self.dev_server.ui_port}"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    session_days: int = 7
    token_days: int = 30
    database_url_override: str | None = None
    temporal: TemporalSettings = field(default_factory=TemporalSettings)
    login_max_failures: int = 10
    login_window_minutes: int = 10
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh_CN"
    demo: bool = False
    secure_cookies: bool = False
    action_timeout: float = 10.0  # seconds a person's action may wait for the engine before 503
    # How far a process's clock may run ahead of the wall clock when an action's deadline is
    # checked in the workflow. Zero in production; time-skipping tests move process clocks ahead.
    process_clock_lead: float = 0.0
    notify: NotifySettings = field(default_factory=NotifySettings)  # e-mail and WeCom delivery
    upload_max_bytes: int = 20 * 1024 * 1024  # largest evidence file accepted; refused while streaming

    @property
    def database_url(self) -> str:
        if self.database_url_override:
            return self.database_url_override
        return f"sqlite:///{(self.data_dir / 'baton.db').as_posix()}"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def web_url(self) -> str:
        return f"http://{self.web_host}:{self.web_port}"

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(config_path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the YAML file, then apply ``BATON_*`` overrides from ``env`` (default: os.environ)."""
    env = dict(os.environ if env is None else env)
    path = Path(env.get("BATON_CONFIG", config_path or DEFAULT_CONFIG))
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    web = raw.get("web") or {}
    database = raw.get("database") or {}
    temporal = raw.get("temporal") or {}
    tls = temporal.get("tls") or {}
    dev = temporal.get("dev_server") or {}
    security = raw.get("security") or {}
    company = raw.get("company") or {}

    data_dir = Path(env.get("BATON_DATA_DIR", raw.get("data_dir", ".data")))
    if not data_dir.is_absolute():
        data_dir = (Path.cwd() / data_dir).resolve()

    dev_server = DevServerSettings(
        port=int(env.get("BATON_TEMPORAL_PORT", dev.get("port", 7233))),
        ui_port=int(env.get("BATON_TEMPORAL_UI_PORT", dev.get("ui_port", 8233))),
        db_filename=str(dev.get("db_filename", "temporal.db")),
        log_level=str(dev.get("log_level", "warn")),
        search_attributes=dict(dev.get("search_attributes") or {}),
        dynamic_config=dict(dev.get("dynamic_config") or {}),
    )
    temporal_settings = TemporalSettings(
        address=env.get("BATON_TEMPORAL_ADDRESS") or temporal.get("address") or None,
        namespace=env.get("BATON_TEMPORAL_NAMESPACE", temporal.get("namespace", "default")),
        task_queue=env.get("BATON_TEMPORAL_TASK_QUEUE", temporal.get("task_queue", "baton")),
        tls_enabled=_truthy(env.get("BATON_TEMPORAL_TLS", str(tls.get("enabled", False)))),
        tls_client_cert=env.get("BATON_TEMPORAL_TLS_CERT") or tls.get("client_cert"),
        tls_client_key=env.get("BATON_TEMPORAL_TLS_KEY") or tls.get("client_key"),
        tls_server_ca=env.get("BATON_TEMPORAL_TLS_CA") or tls.get("server_ca"),
        api_key=env.get("BATON_TEMPORAL_API_KEY") or temporal.get("api_key"),
        dev_server=dev_server,
    )
    return Settings(
        data_dir=data_dir,
        web_host=str(env.get("BATON_WEB_HOST", web.get("host", "127.0.0.1"))),
        web_port=int(env.get("BATON_WEB_PORT", web.get("port", 8000))),
        session_days=int(web.get("session_days", 7)),
        token_days=int(web.get("token_days", 30)),
        database_url_override=env.get("BATON_DATABASE_URL") or database.get("url") or None,
        temporal=temporal_settings,
        login_max_failures=int(security.get("login_max_failures", 10)),
        login_window_minutes=int(security.get("login_window_minutes", 10)),
        timezone=str(company.get("timezone", "Asia/Shanghai")),
        default_language=str(company.get("default_language", "zh_CN")),
        demo=_truthy(env.get("BATON_DEMO", str(raw.get("demo", False)))),
        secure_cookies=_truthy(env.get("BATON_SECURE_COOKIES", "0")),
        action_timeout=float(env.get("BATON_ACTION_TIMEOUT", web.get("action_timeout", 10))),
        notify=load_notify_settings(raw.get("notify") or {}, env),
        upload_max_bytes=int(env.get("BATON_UPLOAD_MAX_BYTES", web.get("upload_max_bytes", 20 * 1024 * 1024))),
    )
