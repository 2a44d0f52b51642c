"""VisionPipeline: the one object the API, the workers and the evaluation command share.

Load it once per process (models are read at construction), then call it from worker
threads: onnxruntime and OpenCV release the GIL, and nothing here mutates shared state.

    pipeline = VisionPipeline(VisionConfig.from_settings(settings))
    analysis = pipeline.analyse(image)               # when a photo is stored
    ranked = pipeline.rerank(analysis, candidates)   # after the pgvector top-K search
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
from PIL import Image

from mafqood.vision import categories as cat
from mafqood.vision.config import VisionConfig
from mafqood.vision.detector import YoloDetector
from mafqood.vision.embedder import ImageEmbedder, Lite0Embedder, Lite0Output, OnnxImageEmbedder
from mafqood.vision.export import LITE0_FILE
from mafqood.vision.imaging import centre_crop, ensure_rgb
from mafqood.vision.local_features import (
    HIST_SIZE,
    FeatureFormatError,
    LocalFeatures,
    deserialise,
    extract,
    serialise,
)
from mafqood.vision.scoring import DEFAULT_WEIGHTS, ScoreWeights, colour_similarity, visual_score
from mafqood.vision.text import TextEmbedder, item_text
from mafqood.vision.verification import verify

# How many pgvector neighbours the caller should fetch and pass to rerank(): verification
# of 50 costs about 30 ms on 2 cores, and the right item is in the top 50 of the global
# search far more often than in the top 10 (see docs/matching-quality.md).
RERANK_TOP_K = 50

# Object-centred crops: the central share of the photo's width and height. A whole-photo
# vector is much about the desk, the counter or the floor, which a venue's photos share; the
# item the photographer centred fills these crops. Each crop gets its own vector (searched
# beside the whole photo's), two sizes because two people frame one item differently.
OBJECT_CROPS = (0.55, 0.75)


_NO_FEATURES = LocalFeatures(
    1,
    1,
    np.zeros((0, 2), np.float32),
    np.zeros((0, 128), np.uint8),
    np.zeros((0, 3), np.uint8),
    np.zeros(HIST_SIZE, np.uint8),
    np.zeros((0, 0, 2), np.uint8),
)


@dataclass(frozen=True)
class ImageAnalysis:
    image_vector: np.ndarray  # (dim,) float32, L2-normalised -> items.image_embedding
    image_model: str  # -> items.image_model
    detected_objects: list[dict[str, Any]]  # -> items.detected_objects
    category_probabilities: dict[str, float]
    suggested_category: str | None  # -> items.ai_category (None: not sure)
    category_confidence: float
    local_features: bytes  # -> items.local_features
    features: LocalFeatures = field(repr=False)  # parsed form of local_features
    timings_ms: dict[str, float] = field(default_factory=dict)
    # One vector per OBJECT_CROPS share, same model as image_vector -> item_object_vectors.
    object_vectors: tuple[np.ndarray, ...] = ()

    @classmethod
    def from_stored(
        cls,
        image_vector: np.ndarray | Sequence[float],
        image_model: str,
        local_features: bytes | None,
        detected_objects: list[dict[str, Any]] | None = None,
        suggested_category: str | None = None,
    ) -> ImageAnalysis:
        """A query rebuilt from an item's stored columns, to rerank without its photo.

        Raises local_features.FeatureFormatError for bytes of an unknown format.
        """
        features = deserialise(local_features) if local_features else _NO_FEATURES
        return cls(
            image_vector=np.asarray(image_vector, dtype=np.float32),
            image_model=image_model,
            detected_objects=list(detected_objects or []),
            category_probabilities={},
            suggested_category=suggested_category,
            category_confidence=0.0,
            local_features=local_features or b"",
            features=features,
        )

    def contradicts(self, chosen_category: str) -> bool:
        """True when the photo is confidently something other than the chosen category."""
        return cat.contradicts(chosen_category, self.category_probabilities)


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Candidate(Generic[K]):
    id: K  # the caller's key (an item id); handed back unchanged
    image_vector: np.ndarray | Sequence[float] | None  # from the same image model
    local_features: bytes | None  # items.local_features; None: appearance only


class Ranked(NamedTuple, Generic[K]):
    id: K
    score: float  # visual score in [0, 1]
    details: dict[str, Any]


class VisionPipeline:
    def __init__(
        self,
        config: VisionConfig | None = None,
        *,
        weights: ScoreWeights = DEFAULT_WEIGHTS,
    ) -> None:
        self.config = config or VisionConfig()
        threads = self.config.intra_op_threads
        # Lite0 always runs: its ImageNet head gives the category even when another
        # model makes the search vectors.
        self._lite0 = Lite0Embedder(
            self.config.model_dir / LITE0_FILE, threads, torch_device=self.config.torch_device
        )
        self._embedder: ImageEmbedder = self._lite0
        if self.config.embedder_path is not None:
            self._embedder = OnnxImageEmbedder(
                self.config.embedder_path,
                self.config.embedder_name or self.config.embedder_path.stem,
                input_size=self.config.embedder_input_size,
                threads=threads,
            )
        self._detector = (
            YoloDetector(
                self.config.yolo_path, confidence=self.config.yolo_confidence, threads=threads
            )
            if self.config.yolo_path is not None
            else None
        )
        self._text = TextEmbedder(threads)
        self.weights = weights

    @property
    def image_model(self) -> str:
        return self._embedder.name

    @property
    def image_dim(self) -> int:
        return self._embedder.dim

    @property
    def text_model(self) -> str:
        return self._text.name

    def analyse(self, image: Image.Image) -> ImageAnalysis:
        """Everything stored per photo. CPU-bound (about 100-150 ms on 2 cores): use a thread."""
        return self.analyse_many([image])[0]

    def analyse_many(self, images: Sequence[Image.Image]) -> list[ImageAnalysis]:
        """analyse() for several photos, with Lite0 batched by photo shape (reindexing)."""
        start = time.perf_counter()
        rgb = [ensure_rgb(image) for image in images]
        outputs = self._lite0.run_many(rgb)
        lite0_ms = _ms_since(start) / max(len(rgb), 1)
        mark = time.perf_counter()
        crops = self._object_vectors(rgb)
        crops_ms = _ms_since(mark) / max(len(rgb), 1)
        analyses = []
        for image, out, vectors in zip(rgb, outputs, crops, strict=True):
            analysis = self._analyse_rest(image, out, lite0_ms)
            analysis.timings_ms["object_vectors_ms"] = crops_ms
            analysis.timings_ms["total_ms"] += crops_ms
            analyses.append(replace(analysis, object_vectors=vectors))
        return analyses

    def _object_vectors(self, images: Sequence[Image.Image]) -> list[tuple[np.ndarray, ...]]:
        """Each photo's OBJECT_CROPS vectors, from the model that makes the search vectors."""
        crops = [centre_crop(image, share) for image in images for share in OBJECT_CROPS]
        if self._embedder is self._lite0:
            vectors = [out.vector for out in self._lite0.run_many(crops)]
        else:
            vectors = [self._embedder.embed(crop) for crop in crops]
        per = len(OBJECT_CROPS)
        return [tuple(vectors[i : i + per]) for i in range(0, len(vectors), per)]

    def _analyse_rest(
        self, image: Image.Image, lite0: Lite0Output, lite0_ms: float
    ) -> ImageAnalysis:
        timings: dict[str, float] = {}
        start = time.perf_counter()
        vector = lite0.vector if self._embedder is self._lite0 else self._embedder.embed(image)
        probs = cat.softmax(lite0.logits)
        objects = cat.imagenet_objects(probs)
        probabilities = cat.category_probabilities(probs)
        timings["embed_ms"] = lite0_ms + _ms_since(start)
        if self._detector is not None:
            mark = time.perf_counter()
            detections = self._detector.detect(image)
            objects = detections + objects
            probabilities = cat.merge_detections(probabilities, detections)
            timings["detect_ms"] = _ms_since(mark)
        guess = cat.guess_category(probabilities)
        mark = time.perf_counter()
        features = extract(image, self.config.max_keypoints, self.config.local_features_long_side)
        timings["local_features_ms"] = _ms_since(mark)
        timings["total_ms"] = lite0_ms + _ms_since(start)
        return ImageAnalysis(
            image_vector=vector,
            image_model=self._embedder.name,
            detected_objects=[obj.as_json() for obj in objects],
            category_probabilities=dict(guess.probabilities),
            suggested_category=guess.suggested,
            category_confidence=guess.confidence,
            local_features=serialise(features),
            features=features,
            timings_ms=timings,
        )

    def rerank(self, query: ImageAnalysis, candidates: Sequence[Candidate[K]]) -> list[Ranked[K]]:
        """Visual scores for the global search's top-K, best first (about 1 ms per candidate).

        Pass all candidates of one search together: the background penalty compares them.
        """
        if not candidates:
            return []
        parsed: list[LocalFeatures | None] = []
        for candidate in candidates:
            try:
                parsed.append(
                    deserialise(candidate.local_features) if candidate.local_features else None
                )
            except FeatureFormatError:
                parsed.append(None)  # an older format: appearance only until reindexed
        evidence = verify(query.features, parsed)
        ranked = []
        for candidate, features, proof in zip(candidates, parsed, evidence, strict=True):
            cosine = _cosine(query.image_vector, candidate.image_vector)
            colour = (
                colour_similarity(query.features.colour_hist, features.colour_hist)
                if features is not None and query.features.colour_hist.any()
                else None
            )
            score = visual_score(cosine, colour, proof, self.weights)
            ranked.append(
                Ranked(
                    candidate.id,
                    score,
                    {
                        "global_cosine": round(cosine, 4),
                        "colour_similarity": None if colour is None else round(colour, 4),
                        "tentative_matches": proof.tentative,
                        "inliers": proof.inliers,
                        "weighted_inliers": round(proof.weighted, 2),
                        "colour_agreement": round(proof.colour_agreement, 3),
                        "colour_mismatch": round(proof.colour_mismatch, 3),
                        "verified": proof.verified,
                        "model": proof.model or None,
                    },
                )
            )
        ranked.sort(key=lambda r: r.score, reverse=True)
        return ranked

    def embed_text(
        self,
        title: str | None,
        description: str | None = None,
        brand: str | None = None,
        color: str | None = None,
    ) -> np.ndarray:
        """512-d multilingual vector of an item's text -> items.text_embedding."""
        return self._text.embed(item_text(title, description, brand, color))

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        return self._text.embed_many(texts)


def _cosine(a: np.ndarray, b: np.ndarray | Sequence[float] | None) -> float:
    if b is None:
        return 0.0
    other = np.asarray(b, dtype=np.float32)
    if other.shape != a.shape:
        return 0.0
    denominator = float(np.linalg.norm(a) * np.linalg.norm(other))
    return float(a @ other) / denominator if denominator > 0 else 0.0


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
