"""What a document says, kept only as matching needs it: identifiers as keyed hashes (plus a
card's last four digits), names as normalised tokens in one form for both scripts. Pure code
(no model, no OCR): the API hashes what a lost report states, the vision workers what a photo
shows (vision/reading.py reads it)."""

# What a document can be recognised as, and the fields that can be read on one.
KINDS = ("emirates_id", "passport", "id_card", "bank_card", "driving_licence")
FIELDS = ("mrz", "number", "card_number", "name", "name_ar", "issuer")
