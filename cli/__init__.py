"""The command line: administration, printouts as files, the audit trail's checks, and the demo clinic.

A front end like ``ui``: it parses what was typed, calls ``core`` and says what happened in plain words.
"""
