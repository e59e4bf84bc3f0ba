"""Dagster orchestration: landing -> transform -> publish -> digest, one folder per concern in defs/."""
