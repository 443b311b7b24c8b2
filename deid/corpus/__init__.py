"""Planted-PHI corpora and the leak gate (placeholder; filled in below)."""
