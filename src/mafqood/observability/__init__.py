"""Prometheus metrics (defined here, updated where things happen) and the access log; the
/metrics endpoint that reads them over every domain is `mafqood.health`."""
