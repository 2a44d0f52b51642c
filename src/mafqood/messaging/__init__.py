"""Messages between the two sides of a match, and between a claimant and the finder side."""
