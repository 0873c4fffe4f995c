"""YAML files the user edits: load with line numbers, validate into pydantic models with errors
that name file, line and key, and edit in place keeping comments (atomic write).

ruamel.yaml (~15 ms to import) is imported by the functions that parse or write YAML: a file
read before comes back from its JSON copy (`load_plain`) without it, as at most start-ups."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from monitor.errors import ConfigError

if TYPE_CHECKING:
    from ruamel.yaml import YAML

M = TypeVar("M", bound=BaseModel)


def _yaml() -> YAML:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")  # round-trip: keeps comments and order; only plain YAML tags are built
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    return y


def load(path: Path) -> Any:
    """Parse `path`; a syntax error becomes a ConfigError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raw = bytes(exc.object)
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {column}"
            " (save the file as UTF-8)",
            path=str(path),
            line=line,
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc}", path=str(path)) from None
    return loads(text, str(path))


def load_plain(path: Path) -> Any:
    """Parse `path` into plain dicts and lists, without comments or line numbers.

    With ruamel.yaml.clib (libyaml) this is ~6x faster than the round-trip loader on a sources.yaml
    of 1,000 entries (50 ms instead of 300 ms, at every `monitor poll`), and a file read before is
    read from a JSON copy in the user's cache (1 ms). Any problem raises ConfigError without a
    line: callers then read the file again with `load`, whose error names the line.
    """
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=str(path)) from None
    cached = _cache_file(raw)
    if cached is not None:
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    from ruamel.yaml import YAML

    try:
        check_shape(text, str(path))
        data = YAML(typ="safe").load(text)
    except Exception as exc:  # anything at all: `load` gives the real, located error
        raise ConfigError(f"cannot read: {exc}", path=str(path)) from None
    if cached is not None:
        _write_cache(cached, data)
    return data


def _cache_file(raw: bytes) -> Path | None:
    """Where the parse of a file with these bytes is kept (named by their hash), if anywhere."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    digest = hashlib.blake2b(raw, digest_size=20).hexdigest()
    return Path(base) / "dispute-monitor" / "yaml" / f"{digest}.json"


def _write_cache(target: Path, data: Any) -> None:
    """Keep `data` as JSON when JSON gives it back exactly (no dates, no non-text keys)."""
    try:
        dumped = json.dumps(data, ensure_ascii=False)
        if json.loads(dumped) != data:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        old = time.time() - _CACHE_DAYS * 86400
        for other in target.parent.glob("*.json"):
            if other.stat().st_mtime < old:
                other.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(dumped)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        return  # a cache: never a reason to fail


_CACHE_DAYS = 14


# Bounds on what a config file may be made of. Anchors and aliases are refused: none of our files
# needs them, and nine levels of ten aliases in 1 KB expand to a billion nodes once anything
# walks the tree (the JSON cache, validation). Nesting and numbers are bounded because the
# loaders recurse per level and Python refuses to convert integers of 4,300+ digits.
MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 100
_NUMBER = re.compile(r"[-+]?(?:0[xob])?[0-9a-fA-F_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?")


def check_shape(text: str, name: str) -> None:
    """Raise a ConfigError at the line of the first anchor, alias, nesting deeper than
    MAX_DEPTH or number longer than MAX_NUMBER_DIGITS in `text`. Syntax errors are left to the
    loader, which names them better."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        ScalarEvent,
    )

    depth = 0
    try:
        for event in YAML(typ="safe").parse(text):
            line = event.start_mark.line + 1
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                raise ConfigError(
                    "YAML anchors and aliases (&name, *name) are not supported here:"
                    " write the value out",
                    path=name,
                    line=line,
                )
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ConfigError(
                        f"nested more than {MAX_DEPTH} levels deep", path=name, line=line
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            elif (
                isinstance(event, ScalarEvent)
                and not event.style  # plain: the C parser says "", the Python one None
                and len(event.value) > MAX_NUMBER_DIGITS
                and _NUMBER.fullmatch(event.value)
            ):
                raise ConfigError(
                    f"a number of {len(event.value)} characters (at most {MAX_NUMBER_DIGITS};"
                    " quote it if it is text)",
                    path=name,
                    line=line,
                )
    except YAMLError:
        return


def loads(text: str, name: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    check_shape(text, name)
    try:
        return _yaml().load(text)
    except (RecursionError, ValueError) as exc:
        # What check_shape did not foresee: still one line, never a traceback.
        raise ConfigError(f"cannot read: {type(exc).__name__}: {exc}"[:300], path=name) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"YAML syntax error: {problem}", path=name, line=line) from None
    except YAMLError as exc:
        raise ConfigError(f"YAML error: {exc}", path=name) from None


def line_of(data: Any, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the node at `loc` (deepest node found along the way). Only the
    round-trip loader's nodes (ruamel's CommentedMap and CommentedSeq) know their lines (`lc`);
    plain dicts and lists give None."""
    line: int | None = None
    node = data
    for part in loc:
        lines = getattr(node, "lc", None)
        if lines is None:
            break
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            pos = lines.key(part)
            line = pos[0] + 1
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            pos = lines.item(part)
            line = pos[0] + 1
            node = node[part]
        else:
            break
    if line is None and hasattr(data, "lc"):
        line = data.lc.line + 1
    return line


def kind_model(
    registry: Mapping[str, type[M]],
    kind: object,
    *,
    data: Any,
    loc: Sequence[str | int],
    path: str,
) -> type[M]:
    """The model registered for `kind` (the entry at `loc` of `data`); else a ConfigError that
    names the file, the line of `kind:` and the kinds there are."""
    model = registry.get(str(kind))
    if model is None:
        known = ", ".join(sorted(registry))
        raise ConfigError(
            f"{format_loc([*loc, 'kind'])}: unknown kind '{kind}' (known: {known})",
            path=path,
            line=line_of(data, [*loc, "kind"]) or line_of(data, loc),
        )
    return model


def format_loc(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validate(model: type[M], data: Any, *, path: str, root: Sequence[str | int] = ()) -> M:
    """Validate `data` (a node of the file at `root`) as `model`; the first error names its line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error_from_validation(exc, data, path=path, root=root) from None


def error_from_validation(
    exc: ValidationError, data: Any, *, path: str, root: Sequence[str | int] = ()
) -> ConfigError:
    err = exc.errors()[0]
    loc = [p for p in err["loc"] if isinstance(p, str | int)]
    # pydantic puts the tag of a discriminated union into loc ("rss", "keywords"...): drop it.
    clean: list[str | int] = []
    node: Any = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            clean.append(part)
            node = node[part] if isinstance(node, dict) else node[int(part)]
        elif err["type"] == "extra_forbidden" and part == loc[-1]:
            clean.append(part)
    if err["type"] == "extra_forbidden":
        message = f"unknown key '{clean[-1] if clean else loc[-1]}'"
    elif err["type"] == "missing" and loc:
        message = f"missing key '{loc[-1]}'"
    else:
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
    where = format_loc([*root, *clean])
    line = line_of(data, clean)
    return ConfigError(f"{where}: {message}" if where else message, path=path, line=line)


def dump(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a crash leaves the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
