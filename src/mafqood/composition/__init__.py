"""The wiring of a process: the objects it shares, built from the settings, and how the
servers it needs are found or started. The only package that knows every domain."""
