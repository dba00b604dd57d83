"""Small dialogs, each reached through an ``ask()`` classmethod that tests can replace."""
