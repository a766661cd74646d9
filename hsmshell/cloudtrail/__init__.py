"""CloudTrail: the event every KMS and CloudHSM call leaves (`events`), and LookupEvents
(`lookup`)."""
