"""Administration: moderation review, and the development/test database reset."""
