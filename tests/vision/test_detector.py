"""YOLOv8 output decoding, on a tiny ONNX model built here that outputs a fixed tensor."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from PIL import Image

from mafqood.vision.detector import Letterbox, YoloDetector, decode, letterbox

SIZE = 64  # model input
CLASSES = 3


def _raw(boxes: list[tuple[float, float, float, float, int, float]]) -> np.ndarray:
    """1 x (4+C) x N: cx, cy, w, h in letterbox pixels, then one score per class."""
    out = np.zeros((1, 4 + CLASSES, len(boxes)), dtype=np.float32)
    for n, (cx, cy, w, h, cls, score) in enumerate(boxes):
        out[0, :4, n] = (cx, cy, w, h)
        out[0, 4 + cls, n] = score
    return out


# An original photo of 200 x 100 fits 64 x 32 (scale 0.32), centred: 16 px of grey above.
# The box (50, 25)-(150, 75) in the photo is (16, 24)-(48, 40) in the model's input.
BOXES = [
    (32, 32, 32, 16, 2, 0.90),  # the object
    (33, 32, 32, 16, 2, 0.80),  # a duplicate of it: suppressed by NMS
    (32, 32, 32, 16, 0, 0.70),  # the same box, another class: kept (class-aware NMS)
    (10, 20, 8, 8, 1, 0.10),  # below the confidence threshold
]


def _model(path: Path, output: np.ndarray, names: str | None) -> None:
    constant = helper.make_node(
        "Constant", [], ["const"], value=numpy_helper.from_array(output, "value")
    )
    # Output = const + 0 * sum(images): the graph really reads its input.
    reduce = helper.make_node("ReduceSum", ["images"], ["total"], keepdims=0)
    zero = helper.make_node(
        "Constant", [], ["zero"], value=numpy_helper.from_array(np.zeros((), np.float32), "z")
    )
    scaled = helper.make_node("Mul", ["total", "zero"], ["nothing"])
    add = helper.make_node("Add", ["const", "nothing"], ["output0"])
    graph = helper.make_graph(
        [constant, reduce, zero, scaled, add],
        "tiny-yolo",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    if names is not None:
        helper.set_model_props(model, {"names": names})
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def test_letterbox_scales_and_centres() -> None:
    tensor, box = letterbox(Image.new("RGB", (200, 100), (255, 0, 0)), SIZE)
    assert tensor.shape == (1, 3, SIZE, SIZE)
    assert box == Letterbox(0.32, 0.0, 16.0)
    assert tensor[0, 0, 0, 0] == np.float32(114 / 255)  # grey padding
    assert tensor[0, 0, 32, 32] == 1.0  # red photo


def test_decode_maps_boxes_back_to_the_photo() -> None:
    found = decode(_raw(BOXES), Letterbox(0.32, 0.0, 16.0), (200, 100), confidence=0.25)
    assert [(cls, round(score, 2)) for cls, score, _ in found] == [(2, 0.9), (0, 0.7)]
    np.testing.assert_allclose(found[0][2], (50, 25, 150, 75), atol=1e-3)
    np.testing.assert_allclose(found[1][2], (50, 25, 150, 75), atol=1e-3)


def test_decode_clips_to_the_photo_and_handles_nothing() -> None:
    edge = decode(
        _raw([(2, 18, 20, 10, 1, 0.9)]), Letterbox(0.32, 0.0, 16.0), (200, 100), confidence=0.5
    )
    x1, y1, x2, y2 = edge[0][2]
    assert x1 == 0 and y1 == 0 and x2 == (12 / 0.32) and y2 == (7 / 0.32)
    assert decode(_raw([]), Letterbox(1, 0, 0), (10, 10), confidence=0.5) == []


def test_detector_runs_an_ultralytics_style_onnx(tmp_path: Path) -> None:
    path = tmp_path / "tiny.onnx"
    _model(path, _raw(BOXES), "{0: 'person', 1: 'umbrella', 2: 'cell phone'}")
    detector = YoloDetector(path, confidence=0.25, threads=1)
    assert detector.size == SIZE
    objects = detector.detect(Image.new("RGB", (200, 100)))
    assert [(o.label, o.category, o.source) for o in objects] == [
        ("cell phone", "phone", "yolov8"),
        ("person", "other", "yolov8"),
    ]
    assert objects[0].bbox is not None
    np.testing.assert_allclose(objects[0].bbox, (50, 25, 150, 75), atol=1e-3)
    assert objects[0].as_json()["bbox"] == [50.0, 25.0, 150.0, 75.0]


def test_detector_without_names_metadata_uses_coco(tmp_path: Path) -> None:
    path = tmp_path / "tiny.onnx"
    _model(path, _raw(BOXES), None)
    objects = YoloDetector(path, confidence=0.25, threads=1).detect(Image.new("RGB", (200, 100)))
    assert [o.label for o in objects] == ["car", "person"]  # COCO classes 2 and 0
