"""Graph storages that fail the way a full disk does, for the storage fault tests. Configured
through settings.STORAGES and GRAPH_STORAGE_ALIAS, like any real backend."""

from __future__ import annotations

import errno
from collections.abc import Iterator

from django.core.files import File
from django.core.files.storage import FileSystemStorage


class _HalfFile(File):
    """Hands out the first half of `content`, then fails as the disk fills up."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self.file.seek(0)
        data = self.file.read()
        yield data[: len(data) // 2]
        raise OSError(errno.ENOSPC, "No space left on device")


class HalfWritingStorage(FileSystemStorage):
    """Writes half of every file to disk, then raises ENOSPC: a partial file is left on disk."""

    def _save(self, name: str, content: File) -> str:
        return super()._save(name, _HalfFile(content.file, name))


class FullDiskStorage(FileSystemStorage):
    """Refuses every write at once with ENOSPC."""

    def _save(self, name: str, content: File) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")
