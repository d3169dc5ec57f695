"""Registrar Warehouse: orchestration of refresh, build and publish, and the CLI."""
