"""What every part of `registrar` shares: the data directory (paths), translations (i18n) and the
read-only reader of the published warehouse. The lowest layer inside `registrar`."""
