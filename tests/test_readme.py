"""The README's examples run as written (those that need a network or a server are skipped)."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEEDS_SERVER = ("stream_chat", "response_pieces")


def test_readme_examples_run_and_print_what_they_say(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    runnable = [block for block in blocks if not any(word in block for word in NEEDS_SERVER)]
    assert len(runnable) >= 3
    namespace: dict = {}
    for number, block in enumerate(runnable):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"README block {number}", "exec"), namespace)
        printed = out.getvalue()
        # A trailing "# text" comment on a print line states what it prints.
        for claim in re.findall(r"print\(.*\)\s+#\s*(.+)", block):
            first_words = claim.split(",")[0].strip()
            assert first_words in printed, (number, first_words, printed)
    assert os.getcwd() == str(ROOT)
