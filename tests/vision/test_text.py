from __future__ import annotations

import numpy as np

from mafqood.vision import VisionPipeline
from mafqood.vision.text import item_text


def test_english_and_arabic_share_one_space(pipeline: VisionPipeline) -> None:
    vectors = pipeline.embed_texts(["black wallet", "محفظة سوداء", "red umbrella"])
    assert vectors.shape == (3, 512)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    english, arabic, umbrella = vectors
    assert english @ arabic > english @ umbrella
    assert english @ arabic > arabic @ umbrella


def test_item_text_joins_the_fields_and_empty_text_is_a_zero_vector(
    pipeline: VisionPipeline,
) -> None:
    assert item_text("iPhone 13", None, "Apple", "blue") == "iPhone 13. Apple. blue"
    assert item_text(" ", "", None, None) == ""
    vector = pipeline.embed_text("Samsung phone", "lost in the metro", "Samsung", "black")
    assert vector.shape == (512,)
    assert pipeline.text_model == "use-multilingual-v3"
    assert not pipeline.embed_text(None).any()


def test_descriptions_of_the_same_item_match_across_languages(pipeline: VisionPipeline) -> None:
    lost = pipeline.embed_text("Brown leather wallet", "with my driving licence inside")
    found_ar = pipeline.embed_text("محفظة جلد بنية", "بداخلها رخصة قيادة")
    keys_ar = pipeline.embed_text("مفاتيح سيارة", "مع سلسلة حمراء")
    assert lost @ found_ar > lost @ keys_ar
