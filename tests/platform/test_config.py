"""Settings come from temporal-dev.yaml and are overridden by BATON_* variables."""

from __future__ import annotations

from pathlib import Path

from baton.devserver import dev_server_command
from schemas.kernel.config import load_settings


def test_defaults_come_from_the_yaml_file(tmp_path: Path) -> None:
    settings = load_settings(env={"BATON_DATA_DIR": str(tmp_path)})
    assert settings.web_port == 8000
    assert settings.temporal.dev_server.port == 7233 and settings.temporal.dev_server.ui_port == 8233
    assert settings.temporal.uses_dev_server
    assert settings.database_url == f"sqlite:///{tmp_path}/baton.db"
    assert settings.demo is False


def test_environment_overrides_every_documented_variable(tmp_path: Path) -> None:
    settings = load_settings(
        env={
            "BATON_DATA_DIR": str(tmp_path),
            "BATON_WEB_PORT": "9000",
            "BATON_TEMPORAL_PORT": "7300",
            "BATON_TEMPORAL_UI_PORT": "8300",
            "BATON_DEMO": "1",
            "BATON_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
            "BATON_TEMPORAL_ADDRESS": "temporal.internal:7233",
            "BATON_TEMPORAL_NAMESPACE": "baton",
            "BATON_TEMPORAL_API_KEY": "key",
        }
    )
    assert settings.web_port == 9000 and settings.demo is True
    assert settings.database_url == "postgresql://postgres@127.0.0.1:5432/test"
    assert not settings.temporal.uses_dev_server
    assert settings.temporal.target == "temporal.internal:7233"
    assert settings.temporal.namespace == "baton" and settings.temporal.api_key == "key"
    assert settings.temporal.ui_url is None


def test_dev_server_keeps_its_state_in_the_data_dir_and_registers_search_attributes(tmp_path: Path) -> None:
    settings = load_settings(
        env={"BATON_DATA_DIR": str(tmp_path), "BATON_TEMPORAL_PORT": "7301", "BATON_TEMPORAL_UI_PORT": "8301"}
    )
    command = dev_server_command(settings)
    assert command[command.index("--db-filename") + 1] == str(tmp_path / "temporal.db")
    assert command[command.index("--port") + 1] == "7301"
    assert command[command.index("--ui-port") + 1] == "8301"
    assert "BatonProcess=Keyword" in command and "BatonStatus=Keyword" in command
