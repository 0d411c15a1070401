#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Summarise a smmuv3-modern tear report (JSON Lines, schema 1).

    tear-summary.py REPORT.jsonl [--all]

Prints the counts by record type, class and severity, then one line per
finding of severity minor or above (all records with --all), grouped by
StreamID, in report order.  Exit status 0 when there is no tear of
severity major or critical, 1 otherwise, 2 when the report is unreadable.
"""
import collections
import json
import sys

SCHEMA = 1
SEVERITIES = ['info', 'minor', 'major', 'critical']


def load(path):
    records = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            if rec.get('schema', 0) > SCHEMA:
                raise ValueError(f'{path}:{n}: schema {rec["schema"]} is '
                                 f'newer than this tool ({SCHEMA})')
            records.append(rec)
    return records


def ste_label(words):
    """A display label for an STE image (verdicts never use it)."""
    if not words:
        return '?'
    w0 = int(words[0], 16)
    w2 = int(words[2], 16) if len(words) > 2 else 0
    if not w0 & 1:
        return 'V=0'
    cfg = (w0 >> 1) & 7
    if cfg < 4:
        return 'abort'
    if cfg == 4:
        return 'bypass'
    parts = []
    if cfg & 1:
        parts.append(f'S1 cd@0x{w0 & ((1 << 56) - 64):x}')
    if cfg & 2:
        parts.append(f'S2 vmid {w2 & 0xffff}')
    return '+'.join(parts)


def describe(rec):
    words = [rec.get('type', '?')]
    if rec.get('class'):
        words.append(rec['class'])
    if rec.get('verdict'):
        words.append(rec['verdict'])
    words.append(f'[{rec.get("severity", "?")}]')
    view = rec.get('view', '?')
    where = view
    if view == 'cd':
        where += f' ssid {rec.get("ssid")}'
    if 'l1_index' in rec:
        where += f' index {rec["l1_index"]}'
    words.append(f'{where} @{rec.get("addr", "?")}')
    if view == 'ste' and rec.get('a') and rec.get('b'):
        words.append(f'{ste_label(rec["a"])} -> {ste_label(rec["b"])}')
    if rec.get('reason'):
        words.append(f'reason={rec["reason"]}')
    if 'sync_count' in rec:
        words.append(f'syncs={rec["sync_count"]}')
    if rec.get('exposure'):
        words.append(f'exposure={rec["exposure"]}')
    store = rec.get('store')
    if store:
        words.append(f'store pc={store.get("pc")} cpu={store.get("cpu")} '
                     f'vcnt={store.get("vcnt")}')
    if rec.get('approximate'):
        words.append('(approximate)')
    return ' '.join(words)


def main(argv):
    if len(argv) < 2 or argv[1] in ('-h', '--help'):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 2
    show_all = '--all' in argv[2:]
    try:
        records = load(argv[1])
    except (OSError, ValueError) as e:
        print(f'tear-summary: {e}', file=sys.stderr)
        return 2
    by_type = collections.Counter(r.get('type') for r in records)
    by_class = collections.Counter(r.get('class') for r in records
                                   if r.get('type') == 'tear')
    by_sev = collections.Counter(r.get('severity') for r in records)
    print(f'{len(records)} record(s): ' +
          (', '.join(f'{k} {v}' for k, v in sorted(by_type.items()))
           or 'none'))
    if by_class:
        print('tears by class: ' +
              ', '.join(f'{k} {v}' for k, v in sorted(by_class.items())))
    print('by severity: ' + ', '.join(f'{s} {by_sev.get(s, 0)}'
                                      for s in reversed(SEVERITIES)))
    per_sid = collections.OrderedDict()
    for r in records:
        if not show_all and SEVERITIES.index(r.get('severity', 'info')) < 1:
            continue
        per_sid.setdefault(r.get('sid'), []).append(r)
    for sid, recs in per_sid.items():
        label = 'no StreamID' if sid is None else f'StreamID 0x{sid:x}'
        print(f'{label}:')
        for r in recs:
            print(f'  {describe(r)}')
    bad = sum(1 for r in records if r.get('type') == 'tear' and
              r.get('severity') in ('major', 'critical'))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
