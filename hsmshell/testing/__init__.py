"""Transcripts: a rehearsed session, pasted as it appeared in a terminal or in the AWS
documentation, replayed against a fresh world as a test.

`parse` reads the format (plain `.transcript` files and Markdown runbooks), `match` compares
output the way the shells' specification asks, `worlds` makes fresh worlds fast, `doors`
drives the tools in-process, `replay` runs a transcript and `record` writes one.  `plugin` is
the pytest plugin; it imports the rest only when a transcript or a fixture is used, so
ordinary test collection stays cheap.
"""
