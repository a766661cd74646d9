"""The CloudHSM control plane: clusters, HSMs, backups."""
