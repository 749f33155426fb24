"""The inference side puts torch's large tensors on transparent huge pages (set before torch
loads, since torch reads the setting once), and leaves an explicit choice alone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent("""
    import os
    import inference_worker
    import torch
    big = torch.ones(64 << 20)  # 256 MB, touched
    huge_kb = sum(
        int(line.split()[1]) for line in open("/proc/self/smaps") if line.startswith("AnonHugePages:")
    )
    print(os.environ.get("THP_MEM_ALLOC_ENABLE"), huge_kb)
""")
THP = Path("/sys/kernel/mm/transparent_hugepage/enabled")


def _run(**env: str) -> tuple[str, int]:
    base = {k: v for k, v in os.environ.items() if k != "THP_MEM_ALLOC_ENABLE"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0], int(out[1])


def test_large_tensors_go_on_huge_pages_where_the_kernel_offers_them():
    setting, huge_kb = _run()
    assert setting == "1"
    if THP.exists() and "[never]" not in THP.read_text():
        assert huge_kb >= 128 << 10, f"only {huge_kb} kB of the 256 MB tensor on huge pages"


def test_an_explicit_choice_is_kept():
    setting, huge_kb = _run(THP_MEM_ALLOC_ENABLE="0")
    assert setting == "0"
    if THP.exists() and "[madvise]" in THP.read_text():  # only asked-for regions get them
        assert huge_kb == 0
