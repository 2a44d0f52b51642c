"""Abuse limits counted in Redis, and shedding load when the service is overloaded."""
