"""Fetching: one shared HTTP client (conditional GET, bounded in time and size), content decoding, when to check next, and many sources fetched and parsed at once."""
