"""PFX/PKCS#12 files: reading and validating them with `cryptography` (structure,
encryption, iterations, chain roles), what `pfx inspect` shows, and the import job with
the manuals' wizard options."""
