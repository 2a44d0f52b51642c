"""Computer vision and text core of the matching engine (see pipeline.VisionPipeline)."""

from mafqood.vision.config import VisionConfig
from mafqood.vision.pipeline import (
    RERANK_TOP_K,
    Candidate,
    ImageAnalysis,
    Ranked,
    VisionPipeline,
)

__all__ = ["RERANK_TOP_K", "Candidate", "ImageAnalysis", "Ranked", "VisionConfig", "VisionPipeline"]
