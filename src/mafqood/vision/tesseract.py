"""tesseract as the vision workers run it (reading documents, masking them): one thread per
run. Its OpenMP threads would spin on cores the worker's pool already uses (measured on 2
cores: 3-5 times the CPU per document photo). The limit is given to tesseract's processes
only, through the environment pytesseract passes them: the same variable in the worker's own
environment slows the image model."""

from __future__ import annotations

import os

import pytesseract

pytesseract.pytesseract.environ = {**os.environ, "OMP_THREAD_LIMIT": "1"}

__all__ = ["pytesseract"]
