"""The operator's endpoints over every domain: GET /health (each dependency probed) and
GET /metrics (Prometheus)."""
