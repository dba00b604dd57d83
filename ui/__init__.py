"""Qt widgets for Chairside: they show core's state and send the nurse's intent to core, nothing more."""
