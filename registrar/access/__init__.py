"""Who may see what (rules B30): the roles (`roles.py`, one table), a user's scope (`scope.py`),
the users file (`users.py`), sign-in throttling (`throttle.py`), the audit log (`audit.py`) and
small-cell suppression (`privacy.py`). Streamlit's session code stays in dashboards/auth.py."""
