"""Global image embeddings: what pgvector searches. Behind a small protocol, so that another
ONNX model (CLIP, DINOv2...) can be configured later; every vector carries its model name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import onnxruntime as ort
from PIL import Image

from mafqood.vision.imaging import (
    STRIDE,
    centre_weights,
    ensure_rgb,
    fit_long_side,
    l2_normalise,
    to_nchw,
)


class ImageEmbedder(Protocol):
    """name: stored next to every vector, so vectors of different models are never compared."""

    name: str
    dim: int

    def embed(self, image: Image.Image) -> np.ndarray:
        """An L2-normalised float32 vector of length dim."""
        ...


def make_session(path: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    # Idle onnxruntime threads spin by default, taking the cores from OpenCV and from the
    # other requests on a small machine; sleeping costs a few microseconds per run.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # run() is thread-safe on one session, so the whole process shares it.
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@dataclass(frozen=True)
class Lite0Output:
    vector: np.ndarray  # (1280,) L2-normalised
    logits: np.ndarray  # (1000,) ImageNet


Forward = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # batch -> (maps, logits)


class Lite0Embedder:
    """EfficientNet-Lite0 (ImageNet weights) with centre-weighted average pooling.

    The whole photo is read at 448 px on its long side (not a 224 centre crop, which cuts off
    items that are not dead centre) and the last feature map is averaged with Gaussian
    weights around the centre: the item dominates, the shared backgrounds of a venue's
    photos do not. One forward pass also gives the ImageNet logits for the category.
    The forward pass is the exported ONNX graph on onnxruntime, or, with torch_device
    set, the same weights in PyTorch on that device (a GPU for bulk reindexing).
    """

    # v2: the analysis also stores object-centred crop vectors (pipeline.OBJECT_CROPS), so
    # reindex renews reports analysed without them.
    name = "efficientnet-lite0-cw448-v2"
    dim = 1280
    long_side = 448
    sigma = 0.2
    # EfficientNet-Lite was trained on inputs scaled to [-1, 1].
    mean = 127.0
    std = 128.0

    # Photos of one shape share a forward pass, at most this many at a time.
    max_batch = 32

    def __init__(
        self, model_path: Path, threads: int = 2, *, torch_device: str | None = None
    ) -> None:
        self._forward: Forward
        if torch_device is not None:
            from mafqood.vision.torch_lite0 import TorchLite0

            self._forward = TorchLite0(torch_device)
            return
        if not model_path.is_file():
            raise FileNotFoundError(
                f"{model_path} is missing: run `mafqood prepare-models` (make setup does it)"
            )
        session = make_session(model_path, threads)

        def forward(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            features, logits = session.run(None, {"image": batch})
            return np.asarray(features), np.asarray(logits)

        self._forward = forward

    def run(self, image: Image.Image) -> Lite0Output:
        return self.run_many([image])[0]

    def run_many(self, images: Sequence[Image.Image]) -> list[Lite0Output]:
        """run() for several photos: one forward pass per input shape (photos of one camera
        and orientation resize to the same shape), which is what a GPU is fast at."""
        inputs = [
            to_nchw(
                fit_long_side(ensure_rgb(image), self.long_side, multiple=STRIDE),
                self.mean,
                self.std,
            )
            for image in images
        ]
        by_shape: dict[tuple[int, ...], list[int]] = {}
        for index, batch in enumerate(inputs):
            by_shape.setdefault(batch.shape, []).append(index)
        outputs: dict[int, Lite0Output] = {}
        for indices in by_shape.values():
            for first in range(0, len(indices), self.max_batch):
                chunk = indices[first : first + self.max_batch]
                features, logits = self._forward(np.concatenate([inputs[i] for i in chunk]))
                for row, index in enumerate(chunk):
                    outputs[index] = self._pool(features[row], logits[row])
        return [outputs[index] for index in range(len(inputs))]

    def _pool(self, fmap: np.ndarray, logits: np.ndarray) -> Lite0Output:
        """fmap: C x h x w -> the centre-weighted, L2-normalised vector."""
        weights = centre_weights(fmap.shape[1], fmap.shape[2], self.sigma)
        pooled = np.tensordot(fmap, weights / weights.sum(), axes=([1, 2], [0, 1]))
        return Lite0Output(l2_normalise(pooled), logits.astype(np.float32))

    def embed(self, image: Image.Image) -> np.ndarray:
        return self.run(image).vector


class OnnxImageEmbedder:
    """Any single-input ONNX image model whose first output is a vector or a feature map
    (e.g. a CLIP or DINOv2 image tower exported to ONNX): resize, normalise, pool, L2."""

    def __init__(
        self,
        model_path: Path,
        name: str,
        *,
        input_size: int = 224,
        mean: tuple[float, float, float] = (123.675, 116.28, 103.53),
        std: tuple[float, float, float] = (58.395, 57.12, 57.375),
        threads: int = 2,
    ) -> None:
        self._session = make_session(model_path, threads)
        self._input = self._session.get_inputs()[0].name
        self.name = name
        self.input_size = input_size
        self.mean, self.std = mean, std
        probe = self._forward(Image.new("RGB", (input_size, input_size)))
        self.dim = int(probe.shape[0])

    def _forward(self, image: Image.Image) -> np.ndarray:
        resized = ensure_rgb(image).resize(
            (self.input_size, self.input_size), Image.Resampling.BICUBIC
        )
        output = np.asarray(
            self._session.run(None, {self._input: to_nchw(resized, self.mean, self.std)})[0]
        )[0]
        if output.ndim == 3:  # C x h x w feature map
            output = output.mean(axis=(1, 2))
        elif output.ndim == 2:  # tokens x C (ViT): the class token
            output = output[0]
        vector: np.ndarray = output.astype(np.float32)
        return vector

    def embed(self, image: Image.Image) -> np.ndarray:
        return l2_normalise(self._forward(image))
