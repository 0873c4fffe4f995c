"""Delivery: alerts into the outbox, claimed and sent to the channels; source health alerts; the daily digest."""
