"""Configuration: environment and secrets, the YAML files the user edits (sources.yaml, notifiers/), durations."""
