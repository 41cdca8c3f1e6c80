"""Reproducible training: the same committed files give the same model on the same machine.

`onewindow train` runs `rasa train` through this module (`python -m bot.components.reproducible train ...`)
with `environment()`: a fixed hash seed (set before the interpreter starts, so set ordering and anything keyed
on `hash()` repeat), fixed thread counts for TensorFlow, BLAS and OpenMP (a sum split over another number of
threads adds in another order), and TensorFlow's deterministic ops. `main()` then seeds Python's, numpy's and
TensorFlow's generators and hands over to Rasa, whose components also take their own `random_seed`
(config.yml).

What is not promised: another CPU (another instruction set: AVX-512 against AVX2) or another build of
numpy/TensorFlow may round differently in the last bits, and DIET's 50 epochs can carry such a difference into
a few borderline messages. The quality gates therefore keep a margin (tests/e2e/test_recognition_quality.py).
"""

from __future__ import annotations

import os
import random
import sys
from typing import Dict, List, Mapping, Optional, Sequence

SEED = 42
THREADS = 2  # the project's machines have 2 cores; a fixed count, whatever the machine has

ENVIRONMENT = {
    "PYTHONHASHSEED": str(SEED),
    "TF_DETERMINISTIC_OPS": "1",
    "TF_CUDNN_DETERMINISTIC": "1",
    "TF_NUM_INTRAOP_THREADS": str(THREADS),
    "TF_NUM_INTEROP_THREADS": str(THREADS),
    "OMP_NUM_THREADS": str(THREADS),
    "OPENBLAS_NUM_THREADS": str(THREADS),
    "MKL_NUM_THREADS": str(THREADS),
    "CUDA_VISIBLE_DEVICES": "",  # a GPU's kernels are another source of differences: train on the CPU
}


def environment(base: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """`base` (default: this process's environment) with the settings above."""
    env = dict(os.environ if base is None else base)
    env.update(ENVIRONMENT)
    return env


def command(python: str, rasa_args: Sequence[str]) -> List[str]:
    """The command line that runs `rasa <rasa_args>` reproducibly with the given interpreter."""
    return [python, "-m", "bot.components.reproducible", *rasa_args]


def seed_everything(seed: int = SEED) -> None:
    """Seed Python's, numpy's and TensorFlow's generators; make TensorFlow's ops deterministic, threads fixed."""
    import numpy as np
    import tensorflow as tf

    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)
    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_intra_op_parallelism_threads(THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(THREADS)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """`python -m bot.components.reproducible train ...`: Rasa's command line, seeded."""
    args = list(sys.argv[1:] if argv is None else argv)
    if os.environ.get("PYTHONHASHSEED") != str(SEED):
        # the hash seed is read when the interpreter starts: start again with the whole environment
        os.execvpe(sys.executable, [sys.executable, "-m", "bot.components.reproducible", *args], environment())
    seed_everything()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
