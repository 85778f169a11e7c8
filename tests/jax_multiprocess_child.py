"""One process of a two-process JAX job on 127.0.0.1 (see
`tests/test_jax_multiprocess.py`): `python jax_multiprocess_child.py ID PORT`.

Each process joins the job (`keras.distribution.initialize()`, CPU
collectives over gloo), trains one probe model under `DataParallel` with
`auto_shard_dataset = False`, and feeds its own shard from its own R worker:
process p's R generator makes batches 100 * (p + 1) + 1, + 2, ... of 4 rows.
It prints one "RESULT {json}" line: what the probe saw and the history.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

STEPS, EPOCHS = 3, 2


def main(process: int, port: str) -> None:
    os.environ["KERAS_BACKEND"] = "jax"
    sys.path.insert(0, str(Path(__file__).parent))
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    import keras

    keras.distribution.initialize(job_addresses=f"127.0.0.1:{port}",
                                  num_processes=2, process_id=process)
    distribution = keras.distribution.DataParallel()
    distribution.auto_shard_dataset = False  # each process feeds its own shard
    keras.distribution.set_distribution(distribution)

    import batch_matrix_cases
    import batch_probe
    import rpy2.robjects as ro

    import kfit

    ro.r(batch_matrix_cases.R_BATCH)
    generator = ro.r(f"""local({{ k <- 0; function() {{ k <<- k + 1
        kfit_probe_batch({100 * (process + 1)} + k, rows = 4L) }} }})""")
    model = batch_probe.make_model(keras)
    history = kfit.fit(model, generator, steps_per_epoch=STEPS, epochs=EPOCHS,
                       verbose=0, workers=1)
    result = {"process": process, "devices": len(jax.devices()),
              "local_devices": len(jax.local_devices()),
              **batch_probe.record(model), "history": history.metrics}
    print("\nRESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
