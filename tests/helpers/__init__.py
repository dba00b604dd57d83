"""Builders the tests share: the clinic's people, what a nurse enters when all is well, sessions at any
step, and a nurse at the window. Plain functions and values, no fixtures (those stay in the conftest
files), so a test file imports what its story needs from a module named for it, never from another test."""
