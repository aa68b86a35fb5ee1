"""Views of this app, one module per concern."""
