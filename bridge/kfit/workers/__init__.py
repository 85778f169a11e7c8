"""R worker processes: R generators and index datasets run outside this
process, each on its own R main thread, and stream batches over local
sockets to a reader that holds no R (see `pool` and `reader`)."""

from kfit.workers.pool import WorkerPool
from kfit.workers.reader import WorkerReader

__all__ = ["WorkerPool", "WorkerReader"]
