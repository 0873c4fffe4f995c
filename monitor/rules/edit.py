"""Edit rule files in place for `monitor rules add/remove`: comments and order kept, the result
validated before it replaces the file (atomic write). Input: a rules folder and a rule;
output: the path written."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from monitor.config import yamlfile
from monitor.errors import ConfigError
from monitor.rules import KINDS, load_rule_file, rule_file_from_data, rule_files


def pick_file(rules_dir: Path, *, file: Path | None = None, topic: str | None = None) -> Path:
    """The rule file to edit: --file, else the file of --topic, else the only file."""
    if file is not None:
        path = file if file.is_absolute() or file.parent != Path() else rules_dir / file
        if not path.exists():
            raise ConfigError("no such rule file", path=str(path))
        return path
    files = rule_files(rules_dir)
    if topic is not None:
        for path in files:
            if load_rule_file(path).topic.slug == topic:
                return path
        raise ConfigError(f"no rule file has topic {topic!r}", path=str(rules_dir))
    if len(files) == 1:
        return files[0]
    if not files:
        raise ConfigError("no rule file: create one with a topic first", path=str(rules_dir))
    names = ", ".join(p.name for p in files)
    raise ConfigError(
        f"several rule files ({names}): say which with --file or --topic", path=str(rules_dir)
    )


def _check(path: Path, text: str) -> None:
    """Validate `text` as the new content of `path` before it is written."""
    rule_file_from_data(yamlfile.loads(text, str(path)), path)


def add_rule(path: Path, rule: Mapping[str, Any], *, rules_dir: Path) -> None:
    """Append `rule` to the file's `rules:` (validated first, names unique across the folder)."""
    kind = str(rule.get("kind"))
    model = KINDS.get(kind)
    if model is None:
        raise ConfigError(f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
    model.model_validate(dict(rule))
    name = str(rule["name"])
    for other in rule_files(rules_dir):
        if any(r.name == name for r in load_rule_file(other).rules):
            raise ConfigError(f"a rule named {name!r} already exists", path=str(other))
    data = yamlfile.load(path)
    rules = data.get("rules")
    if rules is None:
        rules = data["rules"] = CommentedSeq()
    node = CommentedMap()
    for key, value in rule.items():
        node[key] = CommentedSeq(value) if isinstance(value, list) else value
    rules.append(node)
    text = yamlfile.dump(data)
    _check(path, text)
    yamlfile.write_atomic(path, text)


def remove_rule(rules_dir: Path, name: str) -> Path:
    """Delete the rule called `name` from whichever file holds it; returns that file."""
    for path in rule_files(rules_dir):
        data = yamlfile.load(path)
        rules = data.get("rules") if isinstance(data, Mapping) else None
        if not rules:
            continue
        for i, rule in enumerate(rules):
            if isinstance(rule, Mapping) and rule.get("name") == name:
                del rules[i]
                text = yamlfile.dump(data)
                _check(path, text)
                yamlfile.write_atomic(path, text)
                return path
    raise ConfigError(f"no rule named {name!r}", path=str(rules_dir))
