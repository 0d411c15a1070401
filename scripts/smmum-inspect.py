#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Read the smmuv3-modern "state" snapshot from a running QEMU over QMP.

    smmum-inspect.py SOCKET [--sid N] [--raw]

SOCKET is a QMP UNIX socket, e.g. a guest started with
    SMMUM_QEMU_EXTRA="-qmp unix:/tmp/qmp.sock,server=on,wait=off" \\
        scripts/guest-run.sh ...
Prints a short summary (registers, queues, GERROR, each StreamID's STE as
memory and cache see it with its CDs, cache and IOTLB fill, the tear
checker's open windows); --sid N only that StreamID; --raw the whole
JSON object (docs/smmuv3-modern.rst describes its members).
Exit status 0, or 1 when QEMU cannot be reached or has no smmuv3-modern.
"""
import json
import socket
import sys


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile('rw')
        self.read()                         # greeting
        self.cmd('qmp_capabilities')

    def read(self):
        while True:
            line = self.f.readline()
            if not line:
                raise OSError('QMP connection closed')
            msg = json.loads(line)
            if 'event' not in msg:
                return msg

    def cmd(self, name, **args):
        self.f.write(json.dumps({'execute': name, 'arguments': args}) + '\n')
        self.f.flush()
        rsp = self.read()
        if 'error' in rsp:
            raise RuntimeError(f'{name}: {rsp["error"].get("desc")}')
        return rsp['return']


def smmu_path(q):
    for p in q.cmd('qom-list', path='/machine/unattached'):
        if p['type'] == 'child<arm-smmuv3-modern>':
            return '/machine/unattached/' + p['name']
    return None


def meaning_text(m):
    if not m:
        return '-'
    if m['outcome'] != 'translate':
        why = m['abort_why']
        return m['outcome'] + ('' if why == 'none' else f' ({why})')
    r = m['regime']
    return ({5: 'S1', 6: 'S2', 7: 'nested'}.get(r['config'], '?') +
            (f' cd@{r["s1_context_ptr"]} cdmax {r["s1_cd_max"]}'
             if r['config'] & 1 else '') +
            (f' vmid {r["s2_vmid"]} s2ttb {r["s2_ttb"]}'
             if r['config'] & 2 else ''))


def summary(st, sid):
    rg = st['regs']
    print(f'SMMUEN {int(rg["smmuen"])}  CR0 {rg["cr0"]}  GBPA {rg["gbpa"]}  '
          f'GERROR active: {", ".join(st["gerror"]["active"]) or "none"}')
    for q in ('cmdq', 'eventq'):
        d = st[q]
        extra = (f'error {d["error"]}' if q == 'cmdq'
                 else f'overflow {int(d["overflow"])}')
        print(f'{q}: {d["addr"]} 2^{d["log2size"]}  prod {d["prod"]} '
              f'cons {d["cons"]}  {d["entries"]} pending  {extra}')
    t = st['strtab']
    print(f'stream table: {t["format"]} at {t["base"]}, 2^{t["log2size"]} '
          f'StreamIDs')
    for s in st['streams']:
        if sid is not None and s['sid'] != sid:
            continue
        mem = s['memory']['meaning'] if s['memory'] else None
        ca = s['cached']
        print(f'  sid 0x{s["sid"]:x}: memory {meaning_text(mem)}; cached '
              + (meaning_text(ca['meaning']) +
                 ('' if ca['same_as_memory'] else ' (differs)')
                 if ca else '-'))
        for c in s.get('cds', {}).get('entries', []):
            cm = c['memory']['meaning'] if c['memory'] else None
            asid = cm['regime']['asid'] if cm and cm['outcome'] == \
                'translate' else '-'
            print(f'    ssid {c["ssid"]}: {cm["outcome"] if cm else "-"} '
                  f'asid {asid} ttb0 '
                  f'{cm["regime"]["ttb0"] if cm else "-"}; cached '
                  f'{"yes" if c["cached"] else "no"}')
    if st['streams_omitted']:
        print(f'  ({st["streams_omitted"]} more StreamIDs left out)')
    if st['abort_stes']:
        print(f'  ({st["abort_stes"]} valid abort STEs not listed)')
    cc, tl = st['cfgcache'], st['iotlb']
    print(f'config cache: {cc["count"]}/{cc["capacity"]} entries, '
          f'{cc["evictions"]} evictions; IOTLB {tl["count"]}/'
          f'{tl["capacity"]}')
    tr = st['tear']
    if tr:
        print(f'tear check {tr["mode"]}: {tr["views"]} views, '
              f'{len(tr["open_windows"])} open windows'
              + (f' (+{tr["open_windows_omitted"]})'
                 if tr['open_windows_omitted'] else ''))
        for w in tr['open_windows']:
            if sid is not None and w['sid'] != sid:
                continue
            flags = [k for k in ('cfgi_pending', 'transition',
                                 'missing_invalidation') if w[k]]
            print(f'  {w["view"]} sid 0x{w["sid"]:x} at {w["addr"]}: '
                  f'{w["values"]} value(s), {w["txns"]} txns '
                  f'{" ".join(flags)}')


def main(argv):
    if len(argv) < 2 or argv[1] in ('-h', '--help'):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 1
    sid = None
    if '--sid' in argv:
        sid = int(argv[argv.index('--sid') + 1], 0)
    try:
        q = Qmp(argv[1])
        path = smmu_path(q)
        if not path:
            print('no arm-smmuv3-modern in this QEMU', file=sys.stderr)
            return 1
        st = q.cmd('qom-get', path=path, property='state')
    except (OSError, RuntimeError, ValueError) as e:
        print(f'smmum-inspect: {e}', file=sys.stderr)
        return 1
    if '--raw' in argv:
        json.dump(st, sys.stdout, indent=1)
        print()
    else:
        summary(st, sid)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
