"""The FHIR R4 export: the records as resources other systems read (``fhir.resources``' R4B models).

``codes`` holds every code written; ``context`` the export's settings (ids, references, de-identification);
one module per resource family builds plain dicts from the typed entries; ``validate`` checks each against
its R4B model; ``writing`` streams them into a Bundle or NDJSON files. ``core.fhir_export``, outside this
package of plain rules, reads the records and audits the disclosure.
"""
