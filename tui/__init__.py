"""The Textual app: shells beside a live view of the key store and the cluster (issue 3)."""
