"""Official code sets: ICD-10-CM (April 2026), CPT (format + user-imported), HCPCS Level II.

Use :func:`medcoder_tui.codes.service.get_codesets` to obtain the shared instance.
"""

from medcoder_tui.codes.systems import System

__all__ = ["System"]
