"""The `mafqood eval` command (wired in mafqood.cli)."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from dataclasses import replace

from mafqood.core.config import get_settings
from mafqood.vision.config import VisionConfig
from mafqood.vision.evaluation import EvalResult, evaluate, format_results
from mafqood.vision.pipeline import RERANK_TOP_K, VisionPipeline


def _config() -> VisionConfig:
    """The service's configuration; two environment knobs compare feature budgets."""
    config = VisionConfig.from_settings(get_settings())
    keypoints = os.environ.get("VISION_MAX_KEYPOINTS")
    long_side = os.environ.get("VISION_LOCAL_FEATURES_LONG_SIDE")
    return replace(
        config,
        max_keypoints=int(keypoints) if keypoints else config.max_keypoints,
        local_features_long_side=int(long_side) if long_side else config.local_features_long_side,
    )


def run_eval(args: argparse.Namespace) -> int:
    missing = [str(f) for f in args.folders if not (f / "labels.csv").is_file()]
    if missing:
        print(f"no labels.csv in: {', '.join(missing)}", file=sys.stderr)
        return 2
    pipeline = VisionPipeline(_config())
    results: list[EvalResult] = []
    with ExitStack() as stack:
        dump = stack.enter_context(args.dump.open("w")) if args.dump else None
        for folder in args.folders:
            print(f"evaluating {folder} ...", file=sys.stderr, flush=True)
            results.append(
                evaluate(
                    folder,
                    pipeline,
                    limit=args.limit,
                    top_k=args.top_k or RERANK_TOP_K,
                    dump=dump,
                    progress=lambda line: print(f"  {line}", file=sys.stderr, flush=True),
                )
            )
    print(format_results(results))
    return 0
