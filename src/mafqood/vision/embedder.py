"""Global image embeddings: what pgvector searches. Behind a small protocol, so that another
ONNX model (CLIP, DINOv2...) can be configured later; every vector carries its model name."""

from __future__ import annotations

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


class Lite0Embedder:
    """EfficientNet-Lite0 (ImageNet weights) with centre-weighted average pooling.

    The whole photo is read at 448 px on its long side (not a 224 centre crop, which cuts off
    items that are not dead centre) and the last feature map is averaged with Gaussian
    weights around the centre: the item dominates, the shared backgrounds of a venue's
    photos do not. One forward pass also gives the ImageNet logits for the category.
    """

    name = "efficientnet-lite0-cw448-v1"
    dim = 1280
    long_side = 448
    sigma = 0.2
    # EfficientNet-Lite was trained on inputs scaled to [-1, 1].
    mean = 127.0
    std = 128.0

    def __init__(self, model_path: Path, threads: int = 2) -> None:
        if not model_path.is_file():
            raise FileNotFoundError(
                f"{model_path} is missing: run `mafqood prepare-models` (make setup does it)"
            )
        self._session = make_session(model_path, threads)

    def run(self, image: Image.Image) -> Lite0Output:
        resized = fit_long_side(ensure_rgb(image), self.long_side, multiple=STRIDE)
        features, logits = self._session.run(None, {"image": to_nchw(resized, self.mean, self.std)})
        fmap = features[0]  # C x h x w
        weights = centre_weights(fmap.shape[1], fmap.shape[2], self.sigma)
        pooled = np.tensordot(fmap, weights / weights.sum(), axes=([1, 2], [0, 1]))
        return Lite0Output(l2_normalise(pooled), logits[0].astype(np.float32))

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
