"""``medcoder qa``: second-level review of completed cases (sample, findings, done)."""

from __future__ import annotations

import argparse

from medcoder_tui.cli.common import CliError, print_json


def register(sub, parents) -> None:
    from medcoder_tui.store.qa import REASONS

    p = sub.add_parser("qa", help="second-level review: sample completed cases, record audit findings")
    qa = p.add_subparsers(dest="qa_command", metavar="COMMAND", required=True)
    s = qa.add_parser("sample", parents=parents, help="pick completed cases for audit")
    s.add_argument("--percent", type=float, required=True, help="share of the eligible cases to pick")
    s.add_argument("--coder", help="only cases this coder completed")
    s.add_argument("--seed", type=int, help="repeatable pick (tests, audits of the audit)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_sample)
    f = qa.add_parser("finding", parents=parents, help="the auditor's verdict on one code of a case")
    f.add_argument("case", help="case id or note path")
    f.add_argument("verdict", choices=("agree", "change", "add", "remove"))
    f.add_argument("code", help="the coder's code (agree, change, remove) or the auditor's code (add)")
    f.add_argument("new_code", nargs="?", help="the auditor's code (change)")
    f.add_argument("--system", help="code system of an added code (icd10cm, cpt, hcpcs)")
    f.add_argument("--reason", default="", choices=("", *REASONS), metavar="REASON",
                   help="why (needed except for agree): " + ", ".join(REASONS))
    f.set_defaults(func=cmd_finding)
    d = qa.add_parser("done", parents=parents, help="mark a sampled case as audited")
    d.add_argument("case", help="case id or note path")
    d.set_defaults(func=cmd_done)


def _case_id(store, ref: str) -> str:
    from medcoder_tui.store.layout import CASE_ID

    if CASE_ID.match(ref):
        return ref
    case = store.case_for_path(ref)
    if case is None:
        raise CliError(f"no case for {ref!r} in {store.path} (give a case id or the note's path)")
    return case.id


def cmd_sample(args: argparse.Namespace) -> int:
    from medcoder_tui.cli.store_cmd import open_cli_store
    from medcoder_tui.store import StoreError

    store = open_cli_store(args, read_only=False)
    try:
        picked = store.qa_sample(args.percent, args.coder, seed=args.seed)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    index = store.case_index()
    rows = [{"case": cid, "coder": index[cid].get("coder"), "note": index[cid]["note_path"]} for cid in picked]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(f"{r['case']}  {r['coder'] or '?':<12} {r['note']}")
    print(f"{len(rows)} case(s) picked for audit")
    return 0


def cmd_finding(args: argparse.Namespace) -> int:
    from medcoder_tui.cli.store_cmd import open_cli_store
    from medcoder_tui.store import StoreError

    store = open_cli_store(args, read_only=False)
    add = args.verdict == "add"
    try:
        store.add_finding(_case_id(store, args.case), args.verdict, None if add else args.code,
                          new_code=args.code if add else args.new_code, system=args.system, reason=args.reason)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    print(f"finding recorded: {args.verdict} {args.code}{' -> ' + args.new_code if args.new_code else ''}")
    return 0


def cmd_done(args: argparse.Namespace) -> int:
    from medcoder_tui.cli.store_cmd import open_cli_store
    from medcoder_tui.store import StoreError

    store = open_cli_store(args, read_only=False)
    try:
        store.finish_audit(_case_id(store, args.case))
    except StoreError as exc:
        raise CliError(str(exc)) from None
    print("audit finished")
    return 0
