"""Screens of the review workbench."""
