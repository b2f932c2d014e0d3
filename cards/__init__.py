"""Dataset cards: front matter from the built files, bodies from templates, local validation."""

from cards.card import CardError, CardSpec, render_card, validate_card

__all__ = ["CardError", "CardSpec", "render_card", "validate_card"]
