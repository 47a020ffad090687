"""A real Soulstock server in a subprocess (uvicorn on a free 127.0.0.1 port), for the HTTP
load tests, the browser tests and the benchmarks: one way to start and stop it, used by all."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def live_server(
    *,
    database_url: str,
    data_dir: Path,
    secret_key: str,
    hold_ttl_seconds: int = 600,
    extra_env: dict[str, str] | None = None,
) -> Iterator[LiveServer]:
    """Start ``uvicorn --factory soulstock.web.asgi:serve_app`` on the given database, wait
    until it answers ``/api/v1/ping``, and stop it (by its own process id) afterwards."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SOULSTOCK_DATABASE_URL": database_url,
        "SOULSTOCK_DATA_DIR": str(data_dir),
        "SOULSTOCK_SECRET_KEY": secret_key,
        "SOULSTOCK_HOLD_TTL_SECONDS": str(hold_ttl_seconds),
        "SOULSTOCK_BASE_URL": base_url,
        "SOULSTOCK_DB_POOL_SIZE": "40",
        **(extra_env or {}),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "uvicorn.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "soulstock.web.asgi:serve_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--timeout-keep-alive",
        "120",
        "--backlog",
        "4096",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LiveServer(base_url, log_path)
    try:
        _wait_until_up(process, base_url, server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str, server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(f"{base_url}/api/v1/ping", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {START_TIMEOUT_S} s:\n{server.log_tail()}")
