"""Aduan: complaint handling for Indonesian cities."""
