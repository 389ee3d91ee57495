"""The deployment files in deploy/ agree with Heard as it is: every command they run is one
`heard --help` lists (with options it accepts), every HEARD_ variable they set is one
heard/settings.py knows, and the web app's port is the same everywhere.

Images cannot be built here (no Docker daemon), so the files are read and checked as
text and YAML; where systemd-analyze is present the unit files are verified by it too.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from heard.cli import build_parser
from heard.settings import KNOWN_VARIABLES, load_settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = DEPLOY / "systemd"
WEB_PORT = 5000
HEARD_PROCESSES = ("web", "bot", "scheduler")


def accepted(argv: list[str]) -> None:
    """`heard ARGV` parses: the command exists and takes these options."""
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse's way of refusing
        raise AssertionError(f"`heard {' '.join(argv)}` is refused by heard's parser") from exc


def heard_variables(names: dict[str, Any]) -> list[str]:
    return [str(name) for name in names if str(name).startswith("HEARD_")]


def option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


# ------------------------------------------------------------------ compose


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_web_bot_scheduler_postgres_and_a_tls_proxy(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) >= {*HEARD_PROCESSES, "db", "caddy"}
    assert services["db"]["image"].startswith("postgres:15")
    assert services["caddy"]["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(services["caddy"]["ports"])
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]
    # Only the proxy is published; Heard's own port stays inside.
    for name in (*HEARD_PROCESSES, "db"):
        assert "ports" not in services[name], name


def test_compose_commands_exist_in_heard(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in HEARD_PROCESSES:
        command = services[name]["command"]
        assert command[0] == name
        accepted(command)
        assert services[name]["image"] == "heard:latest"
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
        assert "heard-data:/var/lib/heard" in services[name]["volumes"]
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_sets_only_heard_variables_that_exist(compose: dict[str, Any]) -> None:
    for name in HEARD_PROCESSES:
        environment = compose["services"][name]["environment"]
        names = heard_variables(environment)
        assert "HEARD_DATABASE_URL" in names and "HEARD_DATA_DIR" in names
        for variable in names:
            assert variable in KNOWN_VARIABLES, f"{name}: {variable} is not a Heard setting"
        url = environment["HEARD_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://heard:") and url.endswith("@db:5432/heard")
    web = compose["services"]["web"]["environment"]
    assert web["HEARD_TRUSTED_PROXIES"] == "1"  # exactly one proxy: Caddy


def test_the_web_port_is_the_same_everywhere(compose: dict[str, Any]) -> None:
    web = compose["services"]["web"]
    assert option(web["command"], "--port") == str(WEB_PORT)
    assert option(web["command"], "--host") == "0.0.0.0"  # reachable by Caddy's container
    assert web["expose"] == [str(WEB_PORT)]
    assert f"http://127.0.0.1:{WEB_PORT}/healthz" in " ".join(web["healthcheck"]["test"])

    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert re.search(rf"^\s*reverse_proxy web:{WEB_PORT}\s*$", caddyfile, re.M)
    assert "{$HEARD_DOMAIN}" in caddyfile
    assert "HEARD_DOMAIN" in compose["services"]["caddy"]["environment"]
    assert re.search(r"@metrics path /metrics", caddyfile) and "respond @metrics 404" in caddyfile

    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(rf"^EXPOSE {WEB_PORT}$", dockerfile, re.M)
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd is not None
    default = yaml.safe_load(cmd.group(1))
    accepted(default)
    assert option(default, "--port") == str(WEB_PORT)

    nginx = (DEPLOY / "nginx.conf.example").read_text()
    assert f"server 127.0.0.1:{WEB_PORT};" in nginx
    assert "proxy_set_header X-Forwarded-For" in nginx and "location = /metrics" in nginx

    web_unit = unit(UNITS / "heard-web.service")
    argv = exec_start(web_unit)
    assert option(argv, "--port") == str(WEB_PORT)
    assert option(argv, "--host") == "127.0.0.1"  # behind nginx or Caddy on the machine


def test_the_healthcheck_answers(tmp_path: Path) -> None:
    """What compose's healthcheck asks for, asked of the real app on a real database."""
    from heard.serve import web_config
    from heard.wiring import open_database
    from webforms.app import create_app

    settings = load_settings(environ={"HEARD_DATA_DIR": str(tmp_path)}, env_file=None)
    database = open_database(settings)
    try:
        app = create_app(database.sessions, web_config(settings))
        answer = app.test_client().get("/healthz")
    finally:
        database.close()
    assert answer.status_code == 200 and answer.get_json()["ok"] is True


# ------------------------------------------------------------------ Dockerfile


def test_dockerfile_builds_a_non_root_heard_image() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    instructions = [
        line.split(None, 1)
        for line in re.sub(r"\\\n", " ", text).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    first = {word.upper(): rest for word, rest in reversed(instructions)}
    assert instructions[0] == ["FROM", "python:3.11-slim"]
    users = [rest for word, rest in instructions if word.upper() == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert yaml.safe_load(first["ENTRYPOINT"]) == ["heard"]
    volume = yaml.safe_load(first["VOLUME"])
    env = first["ENV"]
    assert "HEARD_DATA_DIR=/var/lib/heard" in env
    assert volume == ["/var/lib/heard"]
    assert "pip install -e /opt/heard" in first["RUN"] or "pip install" in text
    assert "postgresql-client" in text  # pg_dump for `heard backup`
    for variable in re.findall(r"\b(HEARD_[A-Z_]+)=", text):
        assert variable in KNOWN_VARIABLES
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert {".git", ".venv", ".env", "heard-data"} <= set(ignore)


# ------------------------------------------------------------------ systemd


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values]}} (keys may repeat in systemd)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: {line!r} before any [Section]"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: {line!r} is not Key=Value"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def exec_start(parsed: dict[str, dict[str, list[str]]]) -> list[str]:
    """The heard arguments of ExecStart, also through `/bin/sh -c 'exec .../heard ...'`."""
    (command,) = parsed["Service"]["ExecStart"]
    argv = shlex.split(command)
    if argv[:2] == ["/bin/sh", "-c"]:
        argv = shlex.split(argv[2].replace("$$", "$"))
        argv = argv[1:] if argv[0] == "exec" else argv
    assert argv[0] == "/opt/heard/venv/bin/heard", argv
    return argv[1:]


@pytest.mark.parametrize("name", HEARD_PROCESSES)
def test_unit_files_run_heard_commands_that_exist(name: str) -> None:
    parsed = unit(UNITS / f"heard-{name}.service")
    service = parsed["Service"]
    argv = exec_start(parsed)
    assert argv[0] == name
    accepted(argv)
    assert service["User"] == ["heard"] and service["Group"] == ["heard"]
    assert service["EnvironmentFile"] == ["/etc/heard/heard.env"]
    assert service["UMask"] == ["0077"] and service["StateDirectoryMode"] == ["0700"]
    assert service["Restart"] == ["on-failure"]
    for setting in service.get("Environment", []):
        variable = setting.split("=", 1)[0]
        assert variable in KNOWN_VARIABLES
    assert parsed["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_backup_unit_and_timer() -> None:
    service = unit(UNITS / "heard-backup.service")
    argv = exec_start(service)
    assert argv[0] == "backup"
    assert argv[1].startswith("/var/backups/heard/$(date -u +%%Y")
    accepted(["backup", "/var/backups/heard/2026-12-06T023000Z"])
    assert service["Service"]["Type"] == ["oneshot"]
    assert service["Service"]["ReadWritePaths"] == ["/var/backups/heard"]
    timer = unit(UNITS / "heard-backup.timer")
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    heard = Path(sys.executable).parent / "heard"  # the script pip installed beside python
    if not heard.is_file():
        pytest.skip(f"no heard script at {heard} for systemd-analyze to find")
    for path in UNITS.iterdir():
        text = path.read_text().replace("/opt/heard/venv/bin/heard", str(heard))
        text = text.replace("/etc/heard/heard.env", str(DEPLOY / "heard.env.example"))
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        # Containers without a running systemd cannot look these up; not the units' fault.
        if line.strip() and "Failed to connect to bus" not in line
    ]
    assert result.returncode == 0 and not problems, problems


# ------------------------------------------------------------------ the settings file


def test_the_settings_example_names_only_real_settings_and_loads(tmp_path: Path) -> None:
    text = (DEPLOY / "heard.env.example").read_text()
    mentioned = re.findall(r"^#?\s*(HEARD_[A-Z_]+)=", text, re.M)
    assert len(mentioned) >= 15
    for variable in mentioned:
        assert variable in KNOWN_VARIABLES, f"{variable} is not a Heard setting"
    active = dict(
        line.split("=", 1) for line in text.splitlines() if re.match(r"^HEARD_[A-Z_]+=", line)
    )
    assert active["HEARD_BASE_URL"].startswith("https://")
    settings = load_settings(environ={**active, "HEARD_DATA_DIR": str(tmp_path)}, env_file=None)
    assert settings.base_url == active["HEARD_BASE_URL"]


# ------------------------------------------------------------------ docs/operations.md


def test_the_botfather_command_list_in_the_docs_is_the_bots() -> None:
    from bot.texts import COMMANDS, load_texts

    text = (DEPLOY.parent / "docs" / "operations.md").read_text()
    block = text.split("then choose the\n   bot), paste:", 1)[1].split("```")[1]
    pasted = [line.strip() for line in block.strip().splitlines()]
    texts = load_texts()
    assert pasted == [f"{name} - {texts.commands[name]}" for name in COMMANDS]


def test_the_docs_name_real_commands_and_settings() -> None:
    text = (DEPLOY.parent / "docs" / "operations.md").read_text()
    for variable in set(re.findall(r"\b(HEARD_[A-Z_]+)\b", text)) - {"HEARD_DOMAIN"}:
        assert variable in KNOWN_VARIABLES, f"docs/operations.md names {variable}"
    commands = set(build_parser()._subparsers._group_actions[0].choices or ())  # type: ignore[union-attr]
    for command in set(re.findall(r"`heard ([a-z-]+)", text)):
        assert command in commands, f"docs/operations.md names `heard {command}`"
