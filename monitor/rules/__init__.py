"""Rules: what matters in an item. One YAML file per topic under rules/ (`topic:` and `rules:`),
one module per rule kind, registered below. `load_ruleset(rules_dir)` validates every file
(errors name file, line and key) and compiles a RuleSet; `RuleSet.evaluate(item)` does the rest.

To add a kind: write `monitor/rules/<kind>.py` (a RuleOptions model whose docstring is the help)
and add one line to KINDS.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from monitor.config import yamlfile
from monitor.errors import ConfigError
from monitor.rules.amount_threshold import AmountThresholdRule
from monitor.rules.base import RuleOptions
from monitor.rules.claim_amount import ClaimAmountRule
from monitor.rules.keywords import KeywordsRule
from monitor.rules.regex import RegexRule
from monitor.rules.ruleset import Evaluation, RuleExplanation, RuleFile, RuleSet
from monitor.rules.ruling import RulingRule
from monitor.rules.topic import Topic

KINDS: dict[str, type[RuleOptions]] = {
    "keywords": KeywordsRule,
    "regex": RegexRule,
    "claim-amount": ClaimAmountRule,
    "ruling": RulingRule,
    "amount-threshold": AmountThresholdRule,
}

__all__ = [
    "KINDS",
    "Evaluation",
    "RuleExplanation",
    "RuleFile",
    "RuleSet",
    "Topic",
    "load_rule_file",
    "load_ruleset",
    "rule_file_errors",
    "rule_file_from_data",
    "rule_files",
]


class _FileShape(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: Any
    rules: list[Any] = []


def rule_files(rules_dir: Path) -> list[Path]:
    if not rules_dir.is_dir():
        raise ConfigError("rules folder not found", path=str(rules_dir))
    return sorted(
        p
        for p in rules_dir.iterdir()
        if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.startswith(".")
    )


def load_rule_file(path: Path) -> RuleFile:
    """Read and validate one rule file; the first error names file, line and key."""
    return rule_file_from_data(yamlfile.load(path), path)


def rule_file_from_data(data: Any, path: Path) -> RuleFile:
    """Validate parsed YAML (with line numbers) as the rule file `path`."""
    name = str(path)
    if not isinstance(data, Mapping):
        raise ConfigError("expected a mapping with 'topic:' and 'rules:'", path=name, line=1)
    yamlfile.validate(_FileShape, data, path=name)
    topic = yamlfile.validate(Topic, data["topic"], path=name, root=["topic"])
    rules = [_rule(data, i, name) for i in range(len(data.get("rules") or []))]
    for error in _duplicate_names(data, rules, name):
        raise error
    return RuleFile(path=path, topic=topic, rules=tuple(rules))


def rule_file_errors(path: Path) -> list[ConfigError]:
    """Every problem of one rule file, each with its line (`rules validate` shows them all;
    loading stops at the first). Group names (`@defendants`) are checked here too: compiling
    would find an unknown one without knowing its line."""
    name = str(path)
    try:
        data = yamlfile.load(path)
        if not isinstance(data, Mapping):
            raise ConfigError("expected a mapping with 'topic:' and 'rules:'", path=name, line=1)
        yamlfile.validate(_FileShape, data, path=name)
    except ConfigError as exc:
        return [exc]
    errors: list[ConfigError] = []
    topic: Topic | None = None
    try:
        topic = yamlfile.validate(Topic, data["topic"], path=name, root=["topic"])
    except ConfigError as exc:
        errors.append(exc)
    rules: list[RuleOptions] = []
    for i in range(len(data.get("rules") or [])):
        try:
            rules.append(_rule(data, i, name))
        except ConfigError as exc:
            errors.append(exc)
    errors.extend(_duplicate_names(data, rules, name))
    if topic is not None:
        errors.extend(_unknown_groups(data, topic, name))
    return sorted(errors, key=lambda e: e.line or 0)


def _rule(data: Any, i: int, name: str) -> RuleOptions:
    raw_rules = data.get("rules") or []
    raw = raw_rules[i]
    line = yamlfile.line_of(data, ["rules", i])
    if not isinstance(raw, Mapping):
        raise ConfigError(f"rules[{i}]: expected a mapping", path=name, line=line)
    kind = raw.get("kind")
    model = yamlfile.kind_model(KINDS, kind, data=data, loc=["rules", i], path=name)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = yamlfile.error_from_validation(exc, raw, path=name, root=["rules", i])
        sub = [p for p in exc.errors()[0]["loc"] if isinstance(p, str | int)]
        err.line = yamlfile.line_of(data, ["rules", i, *sub]) or line
        raise ConfigError(err.detail, path=name, line=err.line) from None


def _duplicate_names(data: Any, rules: list[RuleOptions], name: str) -> list[ConfigError]:
    errors: list[ConfigError] = []
    seen: set[str] = set()
    raw_rules = data.get("rules") or []
    for i, raw in enumerate(raw_rules):
        rule_name = raw.get("name") if isinstance(raw, Mapping) else None
        if not isinstance(rule_name, str) or not any(r.name == rule_name for r in rules):
            continue
        if rule_name in seen:
            line = yamlfile.line_of(data, ["rules", i, "name"])
            errors.append(
                ConfigError(
                    f"rules[{i}].name: duplicate rule name {rule_name!r}", path=name, line=line
                )
            )
        seen.add(rule_name)
    return errors


_QUERY_KEYS = ("all", "any", "none")


def _unknown_groups(data: Any, topic: Topic, name: str) -> list[ConfigError]:
    """`@name` terms of the relevance query and of the rules' queries that name no group of
    the topic (the groups every topic has, less the empty ones, and its own)."""
    builtin = {
        "plaintiffs": [n for p in topic.parties.plaintiffs for n in p.names],
        "defendants": [n for p in topic.parties.defendants for n in p.names],
        "case_numbers": topic.case_numbers,
        "case_names": topic.case_names,
        "judges": topic.judges,
    }
    known = {k for k, v in {**builtin, **topic.groups}.items() if v}
    errors: list[ConfigError] = []

    def walk(node: Any, loc: list[str | int], in_query: bool) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in _QUERY_KEYS:
                    walk(value, [*loc, key], True)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*loc, i], in_query)
        elif in_query and isinstance(node, str) and node.startswith("@") and node[1:] not in known:
            errors.append(
                ConfigError(
                    f"{yamlfile.format_loc(loc)}: unknown group {node!r} "
                    f"(known: {', '.join('@' + g for g in sorted(known))})",
                    path=name,
                    line=yamlfile.line_of(data, loc),
                )
            )

    relevance = data["topic"].get("relevance") if isinstance(data["topic"], Mapping) else None
    walk(relevance, ["topic", "relevance"], False)
    for i, raw in enumerate(data.get("rules") or []):
        # Only keywords rules hold queries (a regex rule's `none` holds patterns).
        if isinstance(raw, Mapping) and raw.get("kind") == "keywords":
            walk(raw, ["rules", i], False)
    return errors


def load_ruleset(rules_dir: Path, *, prefilter_only: bool = False) -> RuleSet:
    """Validate and compile every rule file of `rules_dir` (`prefilter_only`: see RuleSet.build)."""
    files = [load_rule_file(p) for p in rule_files(rules_dir)]
    slugs: dict[str, Path] = {}
    names: dict[str, Path] = {}
    for f in files:
        if f.topic.slug in slugs:
            raise ConfigError(
                f"topic.slug: {f.topic.slug!r} already used in {slugs[f.topic.slug]}",
                path=str(f.path),
            )
        slugs[f.topic.slug] = f.path
        for rule in f.rules:
            if rule.name in names:
                raise ConfigError(
                    f"rule name {rule.name!r} already used in {names[rule.name]}", path=str(f.path)
                )
            names[rule.name] = f.path
    return RuleSet.build(files, prefilter_only=prefilter_only)
