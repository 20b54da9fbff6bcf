"""zorgregio: regional purchasing, contracts and monitoring of Wmo and youth care."""

import os

__version__ = "0.1.0"

# One BLAS thread per process (numpy: the budget scenarios). The matrices are small, and a
# process runs beside web workers, import workers and the database: OpenBLAS's own threads
# only contend with them (an eigen-decomposition of 1,200 cells took 3 s instead of 0.4 s on
# two busy cores). Set here, before anything can import numpy; the environment may say
# otherwise.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
