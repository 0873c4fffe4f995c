"""`monitor run`'s start-up hands what it built to the GC once: garbage freed, the rest frozen."""

from __future__ import annotations

import gc
import weakref

from monitor import scheduler


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic GC can free it


def test_settle_frees_garbage_then_puts_what_lives_out_of_the_gcs_sight() -> None:
    was_enabled = gc.isenabled()
    gc.disable()  # no automatic collection between the lines below
    kept = _Node()
    dropped = _Node()
    gone = weakref.ref(dropped)
    del dropped
    try:
        scheduler.settle()
        assert gone() is None, "garbage frozen instead of freed"
        assert not any(o is kept for o in gc.get_objects()), "a live object left to the GC"
    finally:
        # Back to the GC, with what `monitor.cli` froze at import: as in any process that did
        # not freeze, which the other tests do not depend on.
        gc.unfreeze()
        if was_enabled:
            gc.enable()
