"""Identity resolution in Python: the probabilistic links (Splink) that the deterministic
rules of the identity graph leave apart (docs/identity_resolution.md, item 4)."""
