"""Reordering helpers for the sequencing view: each returns a new list and never loses a code."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def move(items: list[T], index: int, delta: int) -> list[T]:
    """``items`` with the element at ``index`` moved ``delta`` places (clamped to the ends)."""
    out = list(items)
    if not 0 <= index < len(out):
        return out
    target = max(0, min(len(out) - 1, index + delta))
    out.insert(target, out.pop(index))
    return out


def move_up(items: list[T], index: int) -> list[T]:
    """One place earlier."""
    return move(items, index, -1)


def move_down(items: list[T], index: int) -> list[T]:
    """One place later."""
    return move(items, index, 1)


def make_principal(items: list[T], index: int) -> list[T]:
    """The element at ``index`` first, the others in their order."""
    return move(items, index, -len(items))
