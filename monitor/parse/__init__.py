"""Parsing: response bytes → feed entries and clean text (HTML removed, links canonical, language identified)."""
