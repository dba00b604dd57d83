"""Chairside's domain: plain Python, no Qt, no wall clock (time comes from an injected clock)."""
