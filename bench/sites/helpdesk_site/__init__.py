"""django-helpdesk 2.6.1 as a person would deploy it, for bench/ratio_bench.py only (runs in
the bench's own virtualenv; never imported by Aduan)."""
