"""C-ordered copies of large R arrays, in memory mapped in one call.

A fresh array of tens of megabytes costs more in page faults than in the
copy itself: NumPy's allocator maps it untouched and the copy then faults it
in page by page (about 7 µs per 4 KiB page on these virtual machines, 0.11 s
for 62.5 MB; 0.03 to 0.25 s with huge pages, by how fragmented memory is).
Mapped with `MAP_POPULATE`, the kernel fills the whole range in one call
(0.025 s for 62.5 MB), and the copy then runs at memory speed. The array owns
its mapping: it is unmapped when the array (and every view of it) is gone.
"""

from __future__ import annotations

import mmap
from typing import Any

import numpy as np

# Below this, NumPy's allocator is as fast (its pools, or few pages).
_MAPPED_FROM = 8 << 20
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)  # Linux only


def c_copy(view: np.ndarray, dtype: Any) -> np.ndarray:
    """`np.array(view, dtype=dtype, order="C")`, in memory populated at once
    when large (see the module's docstring). R's NA is a NaN with a payload:
    casting it raises no warning."""
    dtype = np.dtype(dtype)
    size = view.size * dtype.itemsize
    if size < _MAPPED_FROM or not _POPULATE:
        with np.errstate(invalid="ignore"):
            return np.array(view, dtype=dtype, order="C")
    flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _POPULATE
    mapping = mmap.mmap(-1, size, flags=flags)
    out = np.frombuffer(mapping, dtype=dtype).reshape(view.shape)
    with np.errstate(invalid="ignore"):
        np.copyto(out, view, casting="unsafe")
    return out
