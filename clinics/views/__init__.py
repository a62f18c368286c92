"""Views, one module per feature: public pages (public.py), search (search.py), landing pages (landing.py)."""
