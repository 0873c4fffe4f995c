"""bench/poll.py end to end on a few feeds, ours only: the cold and warm polls, and the ticks of
`monitor run` it reads from the daemon's own records. A smoke test that the benchmark still
measures what it says (its figures are not checked: they belong in bench/README.md)."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO


def test_the_polling_bench_times_polls_and_the_ticks_of_monitor_run() -> None:
    out = subprocess.run(
        [
            *(sys.executable, str(REPO / "bench" / "poll.py"), "--sizes", "12"),
            *("--clients", "ours", "--runs", "2", "--latency-ms", "0", "--daemon-ticks", "2"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = out.stdout + out.stderr
    assert "  !" not in report, report[-3000:]  # a missing item, a tick that failed...
    assert re.search(r"\| 12 \| loopback \| \*\*dispute-monitor", out.stdout), out.stdout
    assert len(re.findall(r"12 feeds, loopback: warm", out.stderr)) == 2
    ticks = re.search(r"12 feeds, monitor run: ticks ((?:\d+\.\d\d ?){2,}) s", out.stderr)
    assert ticks is not None, out.stderr[-3000:]
    assert "`monitor run`, 12 feeds, every one due at each tick: first tick" in out.stdout
