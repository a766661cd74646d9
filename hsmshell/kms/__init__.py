"""AWS KMS custom key stores backed by CloudHSM: stores, keys, key states, CloudTrail."""
