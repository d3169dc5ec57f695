"""The benchmark (`registrar-bench`, `make bench`): whole refreshes of demo universities timed
against a pandas reference and a DuckDB floor, and the dashboards' query latency. A measurement,
not a test: bench/README.md says what it measures; results go to bench/results/."""
