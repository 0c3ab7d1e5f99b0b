"""The history table copied from the tabular list stays the tabular list's."""

from __future__ import annotations

import re

import pytest

from medcoder_tui.codes.status_terms import HISTORY_OF, TABULAR_HISTORY_OF

_CLASSIFIABLE = re.compile(r"^(?:Personal history of )?[Cc]onditions classifiable to (.+)$")


def test_every_copied_entry_is_the_tabular_lists_inclusion_term(codesets):
    icd = codesets.icd
    for prefix, z in TABULAR_HISTORY_OF.items():
        entry = icd.get(z)
        assert entry is not None and entry.billable, z
        named = " ".join(m.group(1) for t in entry.inclusion_terms if (m := _CLASSIFIABLE.match(t)))
        ranges = re.findall(r"([A-Z])(\d\d)-\1?(\d\d)", named)
        in_range = any(prefix[:1] == letter and prefix[1:3].isdigit() and int(lo) <= int(prefix[1:3]) <= int(hi)
                       for letter, lo, hi in ranges)
        assert prefix in named or in_range, f"{prefix} -> {z}: {named}"


def test_the_history_table_reads_the_most_specific_prefix_first(codesets):
    def history(code):
        return next(z for prefix, z in HISTORY_OF if code.startswith(prefix))
    assert history("C44.311") == "Z85.828"   # basal cell carcinoma of the nose: other skin cancer
    assert history("C43.59") == "Z85.820"
    assert history("D05.11") == "Z86.000"    # carcinoma in situ of the breast
    assert history("C7A.092") == "Z85.020"
    assert history("C80.1") == "Z85.9"


@pytest.mark.parametrize(("text", "codes"), [
    ("Problem list:\n- S/p amputation L 2nd toe 2024 (osteomyelitis)\n- Hypertension", ["Z89.422"]),
    ("PMH: DM2, L BKA 2019, CKD.", ["Z89.512"]),
    ("Exam: R transmetatarsal amputation site well healed.", ["Z89.431"]),
    ("Hx of right great toe amputation.", ["Z89.411"]),
    ("PSH: bilateral BKA.", ["Z89.511", "Z89.512"]),
    ("PMH: Right BKA 2019 (PAD).", ["Z89.511"]),
    # a risk, a plan or today's operation is no status
    ("Plan: risk of amputation discussed.", []),
    ("Procedure: right great toe amputation today.", []),
])
def test_an_amputation_done_before_is_its_acquired_absence_by_level_and_side(text, codes):
    from medcoder_tui.engines.analysis.clinical_text import analyze
    from medcoder_tui.engines.diagnoses.status_codes import amputation_status

    assert [c for c, _s, _e in amputation_status(text, analyze(text))] == codes
