"""Dataset builders: one package per dataset family (codeforces, ioi), the shared Hub plumbing (hub), generation."""
