"""Monitoring typologies: see base.py for the interface, registry.py for the default pack."""
