"""Registrar reports: statistical forms, lists and documents, each read from the published
warehouse's marts and dimensions and written by one exporter (XLSX, CSV, PDF).

`registrar report` (the CLI) and the dashboards' Reports page call the same functions, so
they never differ.
"""
