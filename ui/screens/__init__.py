"""One page per step of a session; each has ``show_state(state)`` and acts through the controller."""
