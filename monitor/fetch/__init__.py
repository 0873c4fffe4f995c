"""Fetching: one shared HTTP client (conditional GET, bounded in time and size), content decoding, when to check next, and many sources fetched and parsed at once."""

import sys

# httpx imports its command-line client whenever click is installed (a development venv has
# it), and with it rich and pygments: ~40 ms of every poll's start-up for a program we never
# run. Marked absent before httpx is first imported (by this package's client), httpx keeps
# its stub in its place.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
