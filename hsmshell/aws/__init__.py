"""The AWS side's doors: the `aws` command and (later) the JSON 1.1 endpoint, both through
one dispatcher that turns wire requests into service calls."""
