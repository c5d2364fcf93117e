"""Cybertrust Managed PKI Client upgrade: the pure rules (versions, MSI checks, the upgrade
plan), where the MSI comes from (portal cache, URL, file), reading an MSI file, and
detect/remediate."""
