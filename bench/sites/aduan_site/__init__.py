"""Aduan as `aduan serve` runs it, plus one bare view that inserts one row: the bench's
yardstick for "what one write costs on this server" (bench/ratio_bench.py only)."""
