"""Reading, validating and loading AIS extracts; the synthetic demo university."""
