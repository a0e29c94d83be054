"""Identity resolution in Python: the probabilistic links (Splink) the deterministic rules
leave apart, and the quality of the result against a truth file (docs/identity_resolution.md)."""
