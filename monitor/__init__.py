"""dispute-monitor: follow a legal dispute in the news and in the court record."""

__version__ = "0.1.0"
