"""Privacy rights: a copy of everything stored about a user, and deletion of the account."""
