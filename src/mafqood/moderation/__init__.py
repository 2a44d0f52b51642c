"""Reports of inappropriate items by users, and screening of uploaded photos."""
