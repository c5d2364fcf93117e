"""Pinned root certificates (Security Communication RootCA2 by default): the pure rules,
where a root comes from (bundled, file, URL), and detect/remediate for the Root stores."""
