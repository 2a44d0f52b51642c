"""EfficientNet-Lite0's forward pass in PyTorch, for a machine with a GPU (bulk reindexing
after a model change). It runs the weights that the ONNX file is exported from, so its
vectors are the ONNX ones to float precision and keep the same model name. torch is imported
only when this is configured (VISION_TORCH_DEVICE)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mafqood.vision.export import lite0_two_heads


class TorchLite0:
    """Callable like the ONNX session: NCHW float32 batch -> (feature maps, logits)."""

    def __init__(self, device: str) -> None:
        import torch

        self._torch: Any = torch
        self._device = torch.device(device)
        # TF32 convolutions would move vectors by about 1e-3; exact float32 keeps GPU and CPU
        # vectors of one photo interchangeable in the same index.
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        self._model = lite0_two_heads().to(self._device)

    def __call__(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        torch = self._torch
        with torch.inference_mode():
            features, logits = self._model(torch.from_numpy(batch).to(self._device))
        return features.float().cpu().numpy(), logits.float().cpu().numpy()
