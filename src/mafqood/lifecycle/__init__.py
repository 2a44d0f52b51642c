"""A found item's life: its report's status, its matches with lost reports, the claims on it,
its handover or disposal. Every change of an item's, a match's or a claim's status is made
here, by a use case that checks who may make it (see statuses.py for the moves allowed)."""
