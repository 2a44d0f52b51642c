"""Item categories and location types: the API's enums and the migration's CHECKs.

Kept free of imports so that the vision package (which maps ImageNet classes to these
categories) loads without the database layer, e.g. on a GPU machine that only reindexes.
"""

CATEGORIES = (
    "phone",
    "wallet",
    "bag",
    "id",
    "jewelry",
    "electronics",
    "keys",
    "documents",
    "other",
)
# Categories whose photos show a person's identity (names, numbers, faces): others see them
# masked (items/photo_access.py).
DOCUMENT_CATEGORIES = ("id", "documents")
LOCATION_TYPES = ("mall", "metro", "airport", "park", "restaurant", "hotel", "other")
