"""Printed documents: each module turns a snapshot of stored records into a PDF's story.

Geometry, fonts and styles are in ``styles``; the page frame (header with both patient identifiers,
footer with page n of m, who printed it and when, and the record's hash) is in ``templates``. Every
document is built from stored data, never from widgets, and returned as bytes for the caller to
preview, print or save.
"""
