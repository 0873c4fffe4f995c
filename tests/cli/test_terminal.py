"""Log lines reach the terminal as text: no escape sequence (window title, OSC 8 link, colours)
nor control character. What feeds and servers say is checked in tests/fetch/test_hostile.py."""

from __future__ import annotations

import logging

from monitor.cli.common import TerminalFormatter


def test_log_lines_carry_no_escape_sequences() -> None:
    record = logging.LogRecord(
        "monitor.x",
        logging.WARNING,
        __file__,
        1,
        "source failed error=%s",
        ("\x1b]0;t\x07ok",),
        None,
    )
    line = TerminalFormatter("%(levelname)s %(message)s").format(record)
    assert line == "WARNING source failed error=ok"
