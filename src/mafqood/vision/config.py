"""Settings of the vision pipeline, kept apart from the service settings so that the
evaluation command and the tests can build one without a database or environment."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class VisionConfig:
    model_dir: Path = Path(".data/models")
    # onnxruntime threads per session; the API runs analyse() in a small thread pool, so
    # more threads per call than cores only adds contention.
    intra_op_threads: int = 2
    # "cuda", "cuda:1"...: Lite0 runs in PyTorch there (bulk reindexing on a GPU machine);
    # None: onnxruntime on the CPU, the service's normal path.
    torch_device: str | None = None
    # Optional other embedder (CLIP, DINOv2...) exported to ONNX; None: EfficientNet-Lite0.
    embedder_path: Path | None = None
    embedder_name: str | None = None
    embedder_input_size: int = 224
    # Optional YOLOv8 (ultralytics ONNX export); None: categories from the ImageNet head only.
    yolo_path: Path | None = None
    yolo_confidence: float = 0.35
    # Local features kept per image (the verification cost and the stored bytes grow with it).
    max_keypoints: int = 300
    # Long side of the image SIFT reads (OpenCV doubles it internally for the first octave).
    local_features_long_side: int = 512

    @classmethod
    def from_settings(cls, settings: Any) -> VisionConfig:
        """Read what the service Settings define; fields it lacks keep their defaults."""
        config = cls()
        updates: dict[str, Any] = {}
        for field, setting in (
            ("model_dir", "model_dir"),
            ("intra_op_threads", "vision_threads"),
            ("torch_device", "vision_torch_device"),
            ("embedder_path", "image_embedder_path"),
            ("embedder_name", "image_embedder_name"),
            ("yolo_path", "yolo_weights_path"),
            ("max_keypoints", "vision_max_keypoints"),
            ("local_features_long_side", "vision_local_features_long_side"),
        ):
            value = getattr(settings, setting, None)
            if value is not None:
                updates[field] = Path(value) if field.endswith(("_dir", "_path")) else value
        return replace(config, **updates)
