"""Builders the tests share: the clinic and its people (clinic, people), what a nurse enters when all is
well (answers), sessions at any step (sessions), a test's database (databases) and a nurse at the window
(window). Plain functions and values, no fixtures (those stay in the conftest files), so a test imports
what its story needs from a module named for it, never from another test file."""
