"""Mafqood: lost & found backend."""

import os

# Multithreaded OpenBLAS busy-waits for its threads; with two cores shared by the API,
# onnxruntime and OpenCV that turned 7 ms text embeddings into 200 ms. One thread each,
# decided before numpy is first imported. An operator's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "1.0.0"
