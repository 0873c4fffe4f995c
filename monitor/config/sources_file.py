"""sources.yaml → validated, frozen source models; and in-place edits that keep comments.

sources:
  - name: reuters-legal        # unique
    url: https://example.com/feed.xml
    kind: rss                  # default; see `monitor kinds`
    interval: 10m
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from monitor.config import yamlfile
from monitor.errors import ConfigError
from monitor.sources import SOURCE_KINDS, SourceBase


def parse_sources(data: Any, *, path: str) -> list[SourceBase]:
    """Validate the loaded YAML of a sources file."""
    if data is None:
        return []
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with a 'sources' list", path=path, line=1)
    unknown = [k for k in data if k != "sources"]
    if unknown:
        raise ConfigError(
            f"unknown key '{unknown[0]}' (only 'sources' is allowed at the top)",
            path=path,
            line=yamlfile.line_of(data, [unknown[0]]),
        )
    entries = data.get("sources") or []
    if not isinstance(entries, list):
        raise ConfigError(
            "'sources' must be a list", path=path, line=yamlfile.line_of(data, ["sources"])
        )
    out: list[SourceBase] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        loc: list[str | int] = ["sources", i]
        if not isinstance(entry, dict):
            raise ConfigError(
                f"sources[{i}]: expected a mapping (name, url, ...)",
                path=path,
                line=yamlfile.line_of(data, loc),
            )
        kind = entry.get("kind", "rss")
        model = yamlfile.kind_model(SOURCE_KINDS, kind, data=data, loc=loc, path=path)
        values = dict(entry)
        values.setdefault("kind", kind)
        try:
            source = model.model_validate(values)
        except ValidationError as exc:
            raise yamlfile.error_from_validation(exc, entry, path=path, root=loc) from None
        if source.name in seen:
            raise ConfigError(
                f"sources[{i}].name: duplicate name '{source.name}' (also sources[{seen[source.name]}])",
                path=path,
                line=yamlfile.line_of(data, [*loc, "name"]),
            )
        seen[source.name] = i
        out.append(source)
    return out


def load_sources(path: Path) -> list[SourceBase]:
    if not path.exists():
        raise ConfigError(
            "file not found (create it, or run `monitor sources add URL`)", path=str(path)
        )
    try:
        return parse_sources(yamlfile.load_plain(path), path=str(path))
    except ConfigError:
        pass  # said again below, with the line the round-trip loader keeps
    return parse_sources(yamlfile.load(path), path=str(path))


def validate_source(values: dict[str, Any]) -> SourceBase:
    """A source from command-line values; errors name the option."""
    kind = str(values.get("kind", "rss"))
    model = SOURCE_KINDS.get(kind)
    if model is None:
        raise ConfigError(f"unknown kind '{kind}' (known: {', '.join(sorted(SOURCE_KINDS))})")
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "value"
        msg = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{field}: {msg}") from None


def append_source(path: Path, values: dict[str, Any]) -> SourceBase:
    """Validate `values` against the file's sources and append it, keeping comments (atomic)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq  # only where the file is edited

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    data = yamlfile.loads(text, str(path)) if text.strip() else None
    existing = parse_sources(data, path=str(path))
    source = validate_source(values)
    if any(s.name == source.name for s in existing):
        raise ConfigError(f"a source named '{source.name}' already exists", path=str(path))
    entry = CommentedMap()
    for key, value in values.items():
        entry[key] = CommentedSeq(value) if isinstance(value, list | tuple) else value
    if data is None:
        # Empty, or comments only: they are kept above the new list.
        head = text if not text or text.endswith("\n") else text + "\n"
        new_text = head + yamlfile.dump(CommentedMap(sources=CommentedSeq([entry])))
    else:
        if data.get("sources") is None:
            data["sources"] = CommentedSeq()
        data["sources"].append(entry)
        new_text = yamlfile.dump(data)
    parse_sources(yamlfile.loads(new_text, str(path)), path=str(path))  # never write a bad file
    yamlfile.write_atomic(path, new_text)
    return source


def remove_source(path: Path, name: str) -> None:
    from ruamel.yaml.comments import CommentedSeq

    data = yamlfile.load(path)
    parse_sources(data, path=str(path))
    entries: Sequence[Any] = (data or {}).get("sources") or []
    index = next((i for i, e in enumerate(entries) if e.get("name") == name), None)
    if index is None:
        raise ConfigError(f"no source named '{name}'", path=str(path))
    del data["sources"][index]
    if not data["sources"]:
        data["sources"] = CommentedSeq()  # ruamel would keep the item's comment before "[]"
    new_text = yamlfile.dump(data)
    parse_sources(yamlfile.loads(new_text, str(path)), path=str(path))  # never write a bad file
    yamlfile.write_atomic(path, new_text)
