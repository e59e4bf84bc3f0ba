"""Publish: swap the finished build into the read-only serving file."""
