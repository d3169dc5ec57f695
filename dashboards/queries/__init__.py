"""The SQL of each dashboard page, one module per page, on the marts and dimensions only
(the contract), through `dashboards.data.frame` and filtered by the user's `Scope`."""
