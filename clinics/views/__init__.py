"""Views, one module per feature: public pages (public.py) first; more join as features land."""
