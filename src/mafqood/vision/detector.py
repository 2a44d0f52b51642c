"""YOLOv8 object detector (an ultralytics ONNX export, output 1 x (4+C) x N), used when its
weights are configured. No weights ship with any package, so nothing here downloads."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from mafqood.vision.categories import COCO_NAMES, DetectedObject, coco_category
from mafqood.vision.embedder import make_session
from mafqood.vision.imaging import ensure_rgb

LETTERBOX_FILL = 114  # ultralytics' grey


@dataclass(frozen=True)
class Letterbox:
    scale: float
    pad_x: float
    pad_y: float


def letterbox(image: Image.Image, size: int) -> tuple[np.ndarray, Letterbox]:
    """Fit the image into size x size keeping its aspect ratio, centred on grey (as ultralytics)."""
    width, height = image.size
    scale = min(size / width, size / height)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    resized = ensure_rgb(image).resize((new_w, new_h), Image.Resampling.BILINEAR)
    canvas = Image.new("RGB", (size, size), (LETTERBOX_FILL,) * 3)
    # Same rounding as ultralytics: an odd remainder goes to the right / bottom.
    left, top = round((size - new_w) / 2 - 0.1), round((size - new_h) / 2 - 0.1)
    canvas.paste(resized, (left, top))
    array = np.asarray(canvas, dtype=np.float32) / 255.0
    tensor = np.ascontiguousarray(array.transpose(2, 0, 1)[None])
    return tensor, Letterbox(scale, float(left), float(top))


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> list[int]:
    """Greedy non-maximum suppression over xyxy boxes; returns kept indices, best first."""
    order = np.argsort(-scores)
    areas = np.maximum(0, boxes[:, 2] - boxes[:, 0]) * np.maximum(0, boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order.size:
        best = int(order[0])
        keep.append(best)
        rest = order[1:]
        x1 = np.maximum(boxes[best, 0], boxes[rest, 0])
        y1 = np.maximum(boxes[best, 1], boxes[rest, 1])
        x2 = np.minimum(boxes[best, 2], boxes[rest, 2])
        y2 = np.minimum(boxes[best, 3], boxes[rest, 3])
        inter = np.maximum(0, x2 - x1) * np.maximum(0, y2 - y1)
        iou = inter / np.maximum(areas[best] + areas[rest] - inter, 1e-9)
        order = rest[iou <= iou_threshold]
    return keep


def decode(
    output: np.ndarray,
    box: Letterbox,
    image_size: tuple[int, int],
    *,
    confidence: float,
    iou_threshold: float = 0.45,
    max_detections: int = 20,
) -> list[tuple[int, float, tuple[float, float, float, float]]]:
    """(class, score, xyxy in original pixels) from a raw 1 x (4+C) x N YOLOv8 output."""
    predictions = np.asarray(output, dtype=np.float32)[0].T  # N x (4+C)
    class_scores = predictions[:, 4:]
    classes = class_scores.argmax(axis=1)
    scores = class_scores[np.arange(len(classes)), classes]
    mask = scores >= confidence
    if not mask.any():
        return []
    cx, cy, w, h = predictions[mask, :4].T
    xyxy = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    xyxy -= np.array([box.pad_x, box.pad_y, box.pad_x, box.pad_y], dtype=np.float32)
    xyxy /= box.scale
    width, height = image_size
    xyxy[:, [0, 2]] = xyxy[:, [0, 2]].clip(0, width)
    xyxy[:, [1, 3]] = xyxy[:, [1, 3]].clip(0, height)
    classes, scores = classes[mask], scores[mask]
    # Class-aware NMS: shift each class to its own region so boxes of different classes
    # never suppress each other.
    shifted = xyxy + (classes[:, None] * (max(width, height) + 1)).astype(np.float32)
    kept = nms(shifted, scores, iou_threshold)[:max_detections]
    return [
        (
            int(classes[i]),
            float(scores[i]),
            (float(xyxy[i, 0]), float(xyxy[i, 1]), float(xyxy[i, 2]), float(xyxy[i, 3])),
        )
        for i in kept
    ]


class YoloDetector:
    def __init__(self, model_path: Path, *, confidence: float = 0.35, threads: int = 2) -> None:
        self._session = make_session(model_path, threads)
        model_input = self._session.get_inputs()[0]
        self._input = model_input.name
        size = model_input.shape[-1]
        self.size = size if isinstance(size, int) and size > 0 else 640
        self.confidence = confidence
        self.names = self._read_names()

    def _read_names(self) -> tuple[str, ...]:
        """Class names from the export's metadata (ultralytics writes a dict literal)."""
        raw = self._session.get_modelmeta().custom_metadata_map.get("names")
        if raw:
            try:
                parsed = ast.literal_eval(raw)
                if isinstance(parsed, dict):
                    return tuple(str(parsed[k]) for k in sorted(parsed))
            except (ValueError, SyntaxError):
                pass
        return COCO_NAMES

    def detect(self, image: Image.Image) -> list[DetectedObject]:
        tensor, box = letterbox(image, self.size)
        output = self._session.run(None, {self._input: tensor})[0]
        found = decode(output, box, image.size, confidence=self.confidence)
        objects = []
        for class_id, score, xyxy in found:
            label = self.names[class_id] if class_id < len(self.names) else f"class-{class_id}"
            objects.append(
                DetectedObject(label, score, coco_category(label), xyxy, source="yolov8")
            )
        return objects
