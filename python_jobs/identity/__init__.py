"""Identity resolution: who is who across the sources (docs/identity_resolution.md)."""
