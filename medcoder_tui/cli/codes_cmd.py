"""``validate``, ``lookup``, ``doctor`` and ``codes import``: the code-set commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medcoder_tui.cli.common import CliError, print_json
from medcoder_tui.textsafe import printable

SYSTEM_CHOICES = ("icd10cm", "cpt", "hcpcs", "all")


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the code-set sub-commands."""
    p = sub.add_parser("validate", parents=parents, help="check codes against the official code sets")
    p.add_argument("codes", nargs="+", metavar="CODE")
    p.add_argument("--system", choices=SYSTEM_CHOICES[:3], help="validate in this system only")
    p.add_argument("--json", action="store_true", help="one JSON record per code")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("lookup", parents=parents, help="search codes the way an encoder does")
    p.add_argument("query", nargs="+", metavar="WORD")
    p.add_argument("--system", choices=SYSTEM_CHOICES, default="all")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_lookup)

    p = sub.add_parser("doctor", parents=parents, help="code-set versions, store path, Ollama reachability")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("codes", parents=parents, help="manage CPT and HCPCS tables and ICD-10-CM index files")
    codes_sub = p.add_subparsers(dest="codes_command", metavar="ACTION", required=True)
    # --store is accepted after the action too; SUPPRESS keeps a value given before it
    late = argparse.ArgumentParser(add_help=False)
    late.add_argument("--store", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    imp = codes_sub.add_parser("import", parents=[late],
                               help="import a licensed CPT file, CMS's HCPCS file or a CDC "
                                    "ICD-10-CM index XML file (index, drug, eindex, neoplasm)")
    imp.add_argument("system", choices=("cpt", "hcpcs", "index"))
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=cmd_import)


def cmd_validate(args: argparse.Namespace) -> int:
    """Print one record per code; exit 1 when any code is invalid."""
    from medcoder_tui.codes.service import get_codesets

    cs = get_codesets()
    results = [cs.validate(code, args.system) for code in args.codes]
    if args.json:
        print_json([r.model_dump(mode="json") for r in results])
    else:
        for r in results:
            status = "billable" if r.billable else ("valid, not billable" if r.valid else "INVALID")
            system = r.system.label if r.system else "?"
            print(f"{(r.normalized or r.code):<10} {system:<9} {status:<20} {r.description}")
            for msg in r.messages:
                print(f"{'':<10} - {msg}")
            if r.suggestions and not r.billable:
                print(f"{'':<10}   try: {', '.join(r.suggestions[:8])}")
    return 0 if all(r.valid for r in results) else 1


def cmd_lookup(args: argparse.Namespace) -> int:
    """Print the best matches for a query, best first."""
    from medcoder_tui.codes.service import get_codesets

    query = " ".join(args.query).strip()
    if not query:
        raise CliError("empty query: give words to search for, e.g. `medcoder lookup type 2 diabetes ckd`")
    if len(query) > 500:
        raise CliError(f"query too long ({len(query)} characters); 500 at most")
    if args.limit < 1 or args.limit > 500:
        raise CliError("--limit must be between 1 and 500")
    try:
        hits = get_codesets().lookup(query, system=args.system, limit=args.limit)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json([h.model_dump(mode="json") for h in hits])
        return 0
    if not hits:
        print(f"no codes match {query!r}", file=sys.stderr)
        return 1
    for h in hits:
        mark = " " if h.billable else "H"
        print(f"{h.code:<10} {h.system.label:<9} {mark} {h.score:6.2f}  {h.description}")
    return 0


def _ollama_status(host: str, timeout: float) -> dict:
    """Probe Ollama's /api/version without the ollama client (doctor must stay quick)."""
    import httpx

    try:
        resp = httpx.get(f"{host.rstrip('/')}/api/version", timeout=timeout)
        resp.raise_for_status()
        return {"reachable": True, "version": resp.json().get("version", "?")}
    except (httpx.HTTPError, ValueError) as exc:
        return {"reachable": False, "error": f"{type(exc).__name__}: {exc}"}


def _host_status(host: str, timeout: float) -> dict:
    """One Ollama host: reachable, version and installed models (from /api/tags)."""
    import httpx

    status = {"host": host, **_ollama_status(host, timeout)}
    if status["reachable"]:
        try:
            resp = httpx.get(f"{host.rstrip('/')}/api/tags", timeout=timeout)
            resp.raise_for_status()
            status["models"] = sorted(str(m.get("name") or m.get("model") or "") for m in resp.json().get("models", []))
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            status["models"] = []
            status["models_error"] = f"{type(exc).__name__}: {exc}"
    return status


def _hosts_status(hosts: list[str], timeout: float) -> list[dict]:
    """Every configured host, probed at once so doctor waits one timeout at most."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(8, len(hosts) or 1)) as pool:
        return list(pool.map(lambda h: _host_status(h, timeout), hosts))


def _store_kind(root) -> dict:
    """Which kind of store is at ``root`` (personal or team), and every file or folder with wrong modes."""
    from medcoder_tui.store import StoreError
    from medcoder_tui.store.layout import META_FILE
    from medcoder_tui.store.team import kind_of, mode_problems, read_meta

    if not (root / META_FILE).exists():
        return {"kind": None, "text": "no store there yet; a personal store is made on first save", "warnings": []}
    try:
        meta = read_meta(root, backup=False)
        kind, modes = kind_of(root, meta)
    except StoreError as exc:
        return {"kind": None, "text": "unusable", "warnings": [str(exc)]}
    gid = meta.get("gid") if kind == "team" else None
    text = f"team store, group {meta.get('group')}" if kind == "team" else "personal store"
    return {"kind": kind, "text": text, "warnings": mode_problems(root, modes, gid)}


def cmd_doctor(args: argparse.Namespace) -> int:
    """Report code-set versions and counts, the store and the model server."""
    from medcoder_tui.codes.service import get_codesets
    from medcoder_tui.config import config_file, load_settings
    from medcoder_tui.store.layout import store_dir_for

    from medcoder_tui.codes.index_data import status as index_status

    settings = load_settings(store_path=args.store)
    cs = get_codesets()
    report = {
        "code_sets": cs.versions(),
        "counts": cs.counts(),
        "index_files": index_status(),
        "store": str(store_dir_for(settings.resolved_store_path())),
        "store_kind": _store_kind(store_dir_for(settings.resolved_store_path())),
        "config_file": str(config_file()),
        "ollama": {"host": settings.ollama_host, "model": settings.ollama_model,
                   **_ollama_status(settings.ollama_host, settings.ollama_connect_timeout)},
        "ollama_hosts": _hosts_status(settings.host_list(), settings.ollama_connect_timeout),
    }
    if args.json:
        print_json(report)
        return 0
    for name, version in report["code_sets"].items():
        print(f"{name:<10} {version}")
    counts = report["counts"]
    print(f"{'codes':<10} ICD-10-CM {counts['icd10cm_codes']} ({counts['icd10cm_billable']} billable), "
          f"CPT {counts['cpt']}, HCPCS {counts['hcpcs']}")
    for t in report["index_files"]:
        if t["origin"] in ("bundled", "imported"):
            state = (f"{t['origin']} FY{t['fy']} ({t['source']}): {t['terms']} terms, {t['codes']} codes, "
                     f"{t['unmapped']} not in the current code set")
        elif t["origin"] == "error":
            state = f"unreadable: {t['error']}"
        else:
            state = "not present (import CDC's file with `medcoder codes import index FILE`)"
        print(f"{'index':<10} {t['label']}: {state}")
        if t.get("warning"):
            print(f"{'':<10} warning: {t['warning']}")
    print(f"{'store':<10} {report['store']} ({report['store_kind']['text']})")
    for line in report["store_kind"]["warnings"]:
        print(f"{'':<10} warning: {line}")
    print(f"{'config':<10} {report['config_file']}")
    o = report["ollama"]
    state = f"reachable (version {o['version']})" if o["reachable"] else f"unreachable ({o['error']}); the offline engine will be used"
    print(f"{'ollama':<10} {o['host']} model {o['model']}: {state}")
    hosts = report["ollama_hosts"]
    if len(hosts) > 1 or hosts[0]["host"] != o["host"]:
        print(f"{'hosts':<10} {sum(h['reachable'] for h in hosts)}/{len(hosts)} reachable (batch and eval)")
    for h in hosts:
        if h["reachable"]:
            has = "" if any(m == o["model"] or m == f"{o['model']}:latest" for m in h.get("models", [])) \
                else f" (no {o['model']})"
            print(f"{'':<10} {h['host']}: reachable, version {h['version']}, models "
                  f"{', '.join(h.get('models', [])) or 'none'}{has}")
        else:
            print(f"{'':<10} {h['host']}: unreachable ({h['error']})")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a CPT or HCPCS file or an ICD-10-CM index file; the previous table stays if anything is wrong."""
    if args.system == "index":
        return _import_index(args.file)
    from medcoder_tui.codes.service import reset_codesets
    from medcoder_tui.codes.tables import ImportFormatError, ImportReport, import_table

    report = ImportReport()
    try:
        count, target = import_table(args.file, args.system, report)
    except ImportFormatError as exc:
        raise CliError(f"import failed, previous table kept: {exc}") from None
    except OSError as exc:
        raise CliError(f"import failed, previous table kept: {exc.strerror or exc}: {exc.filename or ''}") from None
    reset_codesets()
    for line in report.lines():
        print(f"{args.file.name}: {printable(line)}", file=sys.stderr)
    summary = [f"{n} {what}" for n, what in ((len(report.dropped), "rows dropped"),
                                             (len(report.duplicates), "duplicate codes"),
                                             (len(report.suspicious), "suspicious rows")) if n]
    print(f"imported {count} {args.system.upper()} codes into {target}"
          + (f" ({', '.join(summary)}; see above)" if summary else ""))
    return 0


def _import_index(path: Path) -> int:
    from medcoder_tui.codes.index_data import import_index
    from medcoder_tui.codes.index_xml import IndexFormatError

    try:
        table, target = import_index(path)
    except IndexFormatError as exc:
        raise CliError(f"import failed, previous table kept: {exc}") from None
    except OSError as exc:
        raise CliError(f"import failed, previous table kept: {exc.strerror or exc}: {exc.filename or ''}") from None
    info = table.summary()
    print(f"imported the {info['label']} FY{info['fy']} ({info['terms']} terms, {info['codes']} codes) into {target}")
    if table.unmapped:
        shown = ", ".join(f"{code} ({term})" for term, code in table.unmapped[:5])
        more = f" and {len(table.unmapped) - 5} more" if len(table.unmapped) > 5 else ""
        print(f"{len(table.unmapped)} index codes are not in the current ICD-10-CM and will not be used: {shown}{more}")
    return 0
