"""The refresh pipeline: validate and load the extracts, `dbt build`, the quality checks (dbt
tests and Great Expectations suites), and the atomic publish (`refresh.py`), with the dbt runner,
the refresh lock and the documentation site."""
