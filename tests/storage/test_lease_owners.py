"""Lease owners: a dead owner is recognised only when that is provable (same host)."""

from __future__ import annotations

import os
import socket
import subprocess

from monitor.storage.leases import make_owner, owner_gone


def _host() -> str:
    return socket.gethostname()[:60]


def test_an_owner_whose_process_exited_on_this_host_is_gone() -> None:
    proc = subprocess.Popen(["true"])
    proc.wait()
    assert owner_gone(f"{_host()}:{proc.pid}:0badf00d")


def test_a_running_owner_is_not_gone() -> None:
    assert not owner_gone(make_owner())
    with subprocess.Popen(["sleep", "5"]) as proc:
        try:
            assert not owner_gone(f"{_host()}:{proc.pid}:0badf00d")
        finally:
            proc.kill()


def test_a_previous_process_with_this_pid_is_gone() -> None:
    """A restarted container's `monitor run` is PID 1 again, under a new token."""
    assert owner_gone(f"{_host()}:{os.getpid()}:0ldt0ken")


def test_owners_on_other_hosts_or_odd_ones_are_never_declared_gone() -> None:
    proc = subprocess.Popen(["true"])
    proc.wait()
    for owner in (
        f"elsewhere:{proc.pid}:0badf00d",
        f"{_host()}:0:x",
        f"{_host()}:-1:x",
        f"{_host()}:99999999999999999999:x",
        "w",
        "",
        None,
    ):
        assert not owner_gone(owner), owner
