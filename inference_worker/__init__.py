"""Circuitscope's inference side: the attribution engine (no Django) and the Celery worker."""

import os

# Large torch tensors on transparent huge pages (torch reads this once, at its first allocation,
# so it is set here, before anything of ours imports torch). Attribution allocates and frees
# gradients and rows of tens of MB per row call, and faulting them in 4 KB at a time cost a
# third of its CPU time on long prompts (system time 43 s -> 23 s, 51 s -> 40 s wall at 4,096
# tokens); resident memory is unchanged. Set THP_MEM_ALLOC_ENABLE=0 to keep 4 KB pages.
os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")
