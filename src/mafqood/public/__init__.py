"""A venue's public web pages: what it found, a lost report without the app, its status."""
