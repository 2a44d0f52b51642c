"""The model files: export readiness, and the pluggable ONNX embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper
from PIL import Image

from mafqood.vision.config import VisionConfig
from mafqood.vision.embedder import OnnxImageEmbedder
from mafqood.vision.export import LITE0_FILE, LITE0_STAMP, export_lite0, lite0_is_ready


def test_export_is_done_once_and_checked(model_dir: Path, tmp_path: Path) -> None:
    assert lite0_is_ready(model_dir)
    again = export_lite0(model_dir)
    assert not again.exported
    copy = tmp_path / "models"
    copy.mkdir()
    assert not lite0_is_ready(copy)
    shutil.copy(model_dir / LITE0_FILE, copy / LITE0_FILE)
    shutil.copy(model_dir / LITE0_STAMP, copy / LITE0_STAMP)
    assert lite0_is_ready(copy)
    with (copy / LITE0_FILE).open("r+b") as handle:  # a damaged file is not "ready"
        handle.seek(1000)
        handle.write(b"\x00\x01\x02\x03")
    assert not lite0_is_ready(copy)


def test_other_onnx_embedder_can_be_plugged_in(tmp_path: Path) -> None:
    path = tmp_path / "pool.onnx"
    pool = helper.make_node("GlobalAveragePool", ["pixel_values"], ["pooled"])
    graph = helper.make_graph(
        [pool],
        "pool",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [1, 3, 1, 1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    embedder = OnnxImageEmbedder(path, "tiny-pool-v1", input_size=32, threads=1)
    assert (embedder.name, embedder.dim) == ("tiny-pool-v1", 3)
    vector = embedder.embed(Image.new("RGB", (50, 40), (200, 30, 30)))
    assert vector.dtype == np.float32
    assert abs(float(np.linalg.norm(vector)) - 1) < 1e-5
    assert vector[0] > vector[1]


def test_config_reads_service_settings() -> None:
    class Settings:
        model_dir = "/srv/models"
        yolo_weights_path = "/srv/models/yolov8n.onnx"
        vision_threads = 1

    config = VisionConfig.from_settings(Settings())
    assert config.model_dir == Path("/srv/models")
    assert config.yolo_path == Path("/srv/models/yolov8n.onnx")
    assert config.intra_op_threads == 1
    assert config.embedder_path is None
