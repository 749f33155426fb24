"""Rows of a matrix stored in a `.npz` file, read on demand.

A GemmaScope params.npz is a zip of uncompressed `.npy` members, so a member's rows sit at a
fixed offset in the file: attribution needs the decoder rows of its active features only (about
a tenth of a 16k set on a short prompt), and reading just those keeps the decoders out of memory.
Plain reads, not a memory map: mapped pages count in the process's resident memory.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_LOCAL_HEADER = 30  # bytes of a zip local file header before its name and extra field


@dataclass(frozen=True)
class StoredRows:
    path: Path
    offset: int  # where row 0 starts in the file
    shape: tuple[int, int]
    dtype: np.dtype

    @classmethod
    def locate(cls, path: Path, member: str) -> StoredRows | None:
        """The 2-D array `member` of the npz at `path`, or None when it cannot be read in place
        (compressed, Fortran-ordered, not 2-D): the caller then loads it whole."""
        try:
            with zipfile.ZipFile(path) as archive:
                info = archive.getinfo(f"{member}.npy")
            if info.compress_type != zipfile.ZIP_STORED:
                return None
            with open(path, "rb") as file:
                file.seek(info.header_offset)
                local = file.read(_LOCAL_HEADER)
                if local[:4] != b"PK\x03\x04":
                    return None
                name_len, extra_len = struct.unpack("<HH", local[26:30])
                file.seek(info.header_offset + _LOCAL_HEADER + name_len + extra_len)
                version = np.lib.format.read_magic(file)
                read_header = (
                    np.lib.format.read_array_header_1_0
                    if version == (1, 0)
                    else np.lib.format.read_array_header_2_0
                )
                shape, fortran_order, dtype = read_header(file)
                offset = file.tell()
        except (KeyError, OSError, ValueError, zipfile.BadZipFile):
            return None
        if fortran_order or len(shape) != 2 or dtype.hasobject:
            return None
        return cls(path, offset, (int(shape[0]), int(shape[1])), dtype)

    def rows(self, idx: list[int]) -> np.ndarray:
        """Rows idx [len(idx), shape[1]], in that order; one read per run of consecutive rows."""
        out = np.empty((len(idx), self.shape[1]), dtype=self.dtype)
        row_bytes = self.shape[1] * self.dtype.itemsize
        order = np.argsort(idx, kind="stable")
        wanted = np.asarray(idx, dtype=np.int64)[order]
        with open(self.path, "rb", buffering=0) as file:
            start = 0
            while start < len(wanted):
                end = start + 1
                while end < len(wanted) and wanted[end] == wanted[end - 1] + 1:
                    end += 1
                block = np.empty((end - start, self.shape[1]), dtype=self.dtype)
                file.seek(self.offset + int(wanted[start]) * row_bytes)
                if file.readinto(memoryview(block).cast("B")) != block.nbytes:
                    raise OSError(f"{self.path}: truncated array data")
                out[order[start:end]] = block
                start = end
        return out
