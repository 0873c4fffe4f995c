"""The image, the compose file and the locks, checked offline: what the Dockerfile copies is in the
build context and nothing heavy or secret is, the image and `make` install from the locks, the
HEALTHCHECK probes /healthz (run here against a local server), compose.yaml is valid Compose."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest
from conftest import REPO
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from ruamel.yaml import YAML

LOCK = REPO / "requirements.lock"
DEV_LOCK = REPO / "requirements-dev.lock"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))

# ---------------------------------------------------------------------------------------------
# Dockerfile


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        if whole:
            word, _, rest = whole.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


DOCKERFILE = dockerfile_instructions((REPO / "Dockerfile").read_text(encoding="utf-8"))


def _only(kind: str) -> list[str]:
    return [args for word, args in DOCKERFILE if word == kind]


def _healthcheck_command() -> list[str]:
    (args,) = _only("HEALTHCHECK")
    exec_form = args[args.index("CMD") + len("CMD") :].strip()
    command = json.loads(exec_form)
    assert isinstance(command, list), "HEALTHCHECK CMD in exec form: no shell needed"
    return [str(word) for word in command]


def test_the_image_installs_the_locked_dependencies_before_the_project_without_its_own() -> None:
    lock_copy = next(
        i for i, (w, a) in enumerate(DOCKERFILE) if w == "COPY" and "requirements.lock" in a
    )
    lock_install = next(
        i
        for i, (w, a) in enumerate(DOCKERFILE)
        if w == "RUN" and "--require-hashes -r requirements.lock" in a
    )
    project_install = next(
        i
        for i, (w, a) in enumerate(DOCKERFILE)
        if w == "RUN" and re.search(r"pip install (--\S+ )*\.(\s|$)", a)
    )
    assert lock_copy < lock_install < project_install
    assert "--no-deps" in DOCKERFILE[project_install][1], "the lock alone decides the versions"
    assert "pip check" in DOCKERFILE[project_install][1]
    # The lock layer comes before the code, so a code change does not reinstall the dependencies.
    code_copy = next(
        i for i, (w, a) in enumerate(DOCKERFILE) if w == "COPY" and "monitor" in a.split()
    )
    assert lock_install < code_copy


def test_the_image_runs_as_a_user_and_on_the_python_the_project_needs() -> None:
    (base,) = _only("FROM")
    assert re.match(r"python:3\.11\b", base), base
    (user,) = _only("USER")
    assert not user.startswith(("0", "root")), user
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"


class _Health(BaseHTTPRequestHandler):
    status = 200
    body = b"ok"
    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[type[_Health], int]]:
    handler = type("Health", (_Health,), {"paths": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _probe(addr: str | None, **extra_env: str) -> subprocess.CompletedProcess[str]:
    command = _healthcheck_command()
    assert command[0] == "python"
    env = {"PATH": os.environ.get("PATH", ""), **extra_env}
    if addr is not None:
        env["MONITOR_HTTP_ADDR"] = addr
    return subprocess.run(
        [sys.executable, *command[1:]], env=env, capture_output=True, text=True, timeout=30
    )


def test_the_healthcheck_asks_healthz_on_loopback_even_when_the_server_binds_everything(
    health_server: tuple[type[_Health], int],
) -> None:
    handler, port = health_server
    # A proxy named in the environment must not carry a probe meant for this container.
    done = _probe(
        f"0.0.0.0:{port}", http_proxy="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9"
    )
    assert done.returncode == 0, done.stderr
    assert handler.paths == ["/healthz"]


def test_the_healthcheck_fails_with_the_reason_when_healthz_answers_503(
    health_server: tuple[type[_Health], int],
) -> None:
    handler, port = health_server
    handler.status, handler.body = 503, b"scheduler: no tick for 312 s"
    done = _probe(f"127.0.0.1:{port}")
    assert done.returncode == 1
    assert "503 scheduler: no tick for 312 s" in done.stdout


def test_the_healthcheck_fails_when_nothing_listens() -> None:
    assert _probe("127.0.0.1:9").returncode != 0


def test_the_healthcheck_says_there_is_nothing_to_probe_when_http_is_off() -> None:
    done = _probe("off")
    assert done.returncode == 1
    assert "MONITOR_HTTP_ADDR=off" in done.stderr


# ---------------------------------------------------------------------------------------------
# .dockerignore (Docker's rules: last matching line wins, a match on a folder covers its files)


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif c == "*":
            out, i = out + "[^/]*", i + 1
        elif c == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(c), i + 1
    return re.compile(out + r"\Z")


def _ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for raw in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        rules.append((negated, _pattern_regex(pattern)))
    return rules


def in_build_context(path: str) -> bool:
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for negated, regex in _ignore_rules():
        if any(regex.match(p) for p in prefixes):
            excluded = not negated
    return not excluded


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".venv-peers/lib/python3.11/site-packages/x.py",
        ".git/HEAD",
        "storage/monitor.db",
        "storage/monitor.db-wal",
        "tests/test_packaging.py",
        "bench/poll.py",
        ".env",
        "monitor/__pycache__/pipeline.cpython-311.pyc",
        ".mypy_cache/3.11/cache.db",
        "requirements-dev.lock",
    ],
)
def test_the_build_context_leaves_out(path: str) -> None:
    assert not in_build_context(path)


def test_everything_the_dockerfile_copies_is_in_the_build_context() -> None:
    copied = []
    for args in _only("COPY"):
        words = [w for w in args.split() if not w.startswith("--")]
        copied += words[:-1]
    assert "requirements.lock" in copied
    for source in copied:
        root = REPO / source
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        files = [f for f in files if "__pycache__" not in f.parts]
        assert files, source
        for f in files:
            assert in_build_context(f.relative_to(REPO).as_posix()), f


def test_the_ignore_matcher_follows_the_last_matching_line() -> None:
    # Guards the helper above: a re-included folder lets in its files, a later line takes out again.
    assert in_build_context("monitor/pipeline.py")
    assert not in_build_context("monitor/storage/x.db")
    assert not in_build_context("README.txt")


# ---------------------------------------------------------------------------------------------
# Locks


def locked(path: Path) -> dict[str, tuple[str, str, int]]:
    """name → (version, marker, number of hashes) from a uv/pip-tools requirements file."""
    text = path.read_text(encoding="utf-8")
    out = {}
    for block in re.split(r"\n(?=\S)", text):
        first = block.split("\\")[0].strip()
        if not first or first.startswith("#"):
            continue
        spec, _, marker = first.partition(";")
        name, _, version = spec.strip().partition("==")
        assert version, f"{path.name}: {first!r} is not pinned with =="
        out[canonicalize_name(name)] = (
            version.strip(),
            marker.strip(),
            block.count("--hash=sha256:"),
        )
    return out


def _check_ranges(
    requirements: list[str], lock: dict[str, tuple[str, str, int]], where: str
) -> None:
    for line in requirements:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} ({where}) is not in the lock: run `make lock`"
        version = lock[name][0]
        assert req.specifier.contains(version, prereleases=True), (
            f"{req.name}: locked {version} is outside {req.specifier} ({where}): run `make lock`"
        )


def test_the_runtime_lock_pins_every_dependency_within_its_range_with_hashes() -> None:
    lock = locked(LOCK)
    _check_ranges(PYPROJECT["project"]["dependencies"], lock, "dependencies")
    assert "prometheus-client" in lock
    assert all(hashes for _, _, hashes in lock.values())
    assert not {"pytest", "ruff", "mypy"} & set(lock), "dev tools stay out of the image"


def test_the_dev_lock_pins_the_dev_extras_and_the_very_versions_of_the_runtime_lock() -> None:
    runtime, dev = locked(LOCK), locked(DEV_LOCK)
    _check_ranges(PYPROJECT["project"]["optional-dependencies"]["dev"], dev, "dev extra")
    _check_ranges(PYPROJECT["project"]["dependencies"], dev, "dependencies")
    for name, (version, _, _) in runtime.items():
        assert dev[name][0] == version, f"{name}: {version} in the image, {dev[name][0]} in tests"
    assert all(hashes for _, _, hashes in dev.values())


# ---------------------------------------------------------------------------------------------
# Makefile: installs from the locks, and a lock edit reinstalls

MAKE = shutil.which("make")


def _make(tmp: Path, *args: str) -> str:
    assert MAKE
    return subprocess.run(
        [MAKE, "--no-print-directory", *args],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


@pytest.fixture
def make_copy(tmp_path: Path) -> Path:
    if MAKE is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml", "requirements.lock", "requirements-dev.lock"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / "bench").mkdir()
    shutil.copy(REPO / "bench" / "peers.txt", tmp_path / "bench" / "peers.txt")
    return tmp_path


def _stamp_rule(tmp: Path) -> tuple[str, list[str]]:
    database = _make(tmp, "-p", "-n", "install")
    found = re.search(r"^(\.venv/\.installed-\d+):(.*)$", database, re.M)
    assert found, "no stamp rule"
    return found.group(1), found.group(2).split()


def test_make_installs_from_the_dev_lock_then_the_project_without_dependencies(
    make_copy: Path,
) -> None:
    commands = _make(make_copy, "-n", "install")
    assert "pip install -q --require-hashes -r requirements-dev.lock" in commands
    assert "pip install -q --no-deps -e ." in commands
    assert ".[dev]" not in commands


def test_the_install_stamp_depends_on_the_locks_and_changes_with_them(make_copy: Path) -> None:
    stamp, prerequisites = _stamp_rule(make_copy)
    assert {"pyproject.toml", "requirements.lock", "requirements-dev.lock"} <= set(prerequisites)
    with (make_copy / "requirements-dev.lock").open("a") as f:
        f.write("# edited\n")
    assert _stamp_rule(make_copy)[0] != stamp


# ---------------------------------------------------------------------------------------------
# compose.yaml


def _compose() -> dict[str, Any]:
    yaml = YAML(typ="safe", pure=True)
    data = yaml.load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _compose_schema() -> dict[str, Any]:
    schema = (
        resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json"
    )
    loaded: dict[str, Any] = json.loads(schema.read_text(encoding="utf-8"))
    return loaded


def test_compose_yaml_is_valid_against_the_compose_spec_schema() -> None:
    schema = _compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_compose())]
    assert not errors


def test_the_compose_schema_check_catches_a_misspelt_key() -> None:
    # Guards the test above: the schema really rejects what Compose would reject.
    schema = _compose_schema()
    data = _compose()
    data["services"]["worker"]["healthcheck"]["intervall"] = "60s"
    assert not jsonschema.validators.validator_for(schema)(schema).is_valid(data)


def _environment(service: dict[str, Any]) -> dict[str, Any]:
    env = service.get("environment") or {}
    assert isinstance(env, dict)
    return env


def test_compose_runs_two_workers_without_http_and_one_web_with_a_token() -> None:
    services = _compose()["services"]
    worker, web = services["worker"], services["web"]
    assert worker["command"] == ["monitor", "run"]
    assert worker["deploy"]["replicas"] == 2
    assert _environment(worker)["MONITOR_HTTP_ADDR"] == "off"
    assert web["command"] == ["monitor", "serve"]
    assert _environment(web)["MONITOR_HTTP_ADDR"] == "0.0.0.0:8080"
    # The token comes from the operator's environment, and compose refuses to start without it.
    assert re.fullmatch(
        r"\$\{MONITOR_HTTP_TOKEN:\?[^}]+\}", _environment(web)["MONITOR_HTTP_TOKEN"]
    )
    assert web["ports"] == ["127.0.0.1:8080:8080"]
    for service in (worker, web):
        url = _environment(service)["MONITOR_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url
    assert "MONITOR_HTTP_TOKEN" not in _environment(worker)


def test_compose_starts_monitor_only_on_a_healthy_migrated_database() -> None:
    services = _compose()["services"]
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["migrate"]["command"] == ["monitor", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("worker", "web"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    for name, service in services.items():
        for target, rule in (service.get("depends_on") or {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            if rule["condition"] == "service_healthy":
                assert services[target].get("healthcheck", {}).get("test"), target


def test_every_long_running_monitor_service_has_a_healthcheck() -> None:
    services = _compose()["services"]
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "monitor", "status"]
    # web inherits the image's HEALTHCHECK on /healthz: compose must not switch it off.
    assert not services["web"].get("healthcheck", {}).get("disable")
    assert "/healthz" in " ".join(_healthcheck_command())
