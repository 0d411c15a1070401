#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Store feeder under TCG: build store-shapes.S, boot it with -kernel on
virt,iommu=smmuv3-modern with tear-check=store, and check that every
access shape (STR, STP, narrow, unaligned, DC ZVA, CAS, exclusives) is
reported as the first offending store of its window, with its guest PC.

    run.py QEMU_BINARY      (prints TAP)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CC = 'aarch64-linux-gnu-gcc'
NM = 'aarch64-linux-gnu-nm'
STE = 0x41000000 + 16 * 64

# label, store size as the device sees it, data of the offending store
SHAPES = [
    ('t_str', 8, 0xd),
    ('t_stp', 8, 0xd),      # first of two 8-byte calls
    ('t_strb', 1, 0xd),
    ('t_strh', 2, 0xd),
    ('t_strw', 4, 0xd),
    ('t_stur', 4, 0xd),     # 8 bytes at STE-4: two aligned 4-byte pieces
    ('t_sturh', 1, 0xd),    # 2 bytes at STE-1: two 1-byte pieces
    ('t_zva', 1, 0x0),      # DC ZVA: byte stores
    ('t_cas', 8, 0xd),
    ('t_stxr', 8, 0xd),
]

results = []


def check(ok, name, diag=None):
    results.append((bool(ok), name, diag))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    qemu = sys.argv[1]
    if not shutil.which(CC) or not shutil.which(NM):
        print('1..0 # SKIP %s not installed' % CC)
        return 0
    tmp = tempfile.mkdtemp(prefix='smmum-tcg-store-')
    try:
        return run(qemu, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(qemu, tmp):
    elf = os.path.join(tmp, 'store-shapes.elf')
    report = os.path.join(tmp, 'report.jsonl')
    subprocess.run([CC, '-nostdlib', '-static', '-Wl,-Ttext=0x40080000',
                    '-Wl,--build-id=none', '-o', elf,
                    os.path.join(HERE, 'store-shapes.S')], check=True)
    syms = {}
    for line in subprocess.run([NM, elf], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        f = line.split()
        if len(f) == 3:
            syms[f[2]] = int(f[0], 16)
    try:
        p = subprocess.run(
            [qemu, '-M', 'virt,iommu=smmuv3-modern,gic-version=3',
             '-cpu', 'max', '-m', '512M', '-display', 'none',
             '-nodefaults', '-accel', 'tcg', '-semihosting',
             '-kernel', elf,
             '-global', 'arm-smmuv3-modern.tear-check=store',
             '-global', 'arm-smmuv3-modern.tear-report=' + report],
            capture_output=True, text=True, timeout=120)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        rc, err = None, 'timeout'
    check(rc == 0, 'image ran to its end (semihosting exit 0)',
          'exit status %s\n%s' % (rc, err[-2000:]))
    recs = []
    if os.path.exists(report):
        with open(report) as f:
            recs = [json.loads(l) for l in f if l.strip()]
    tears = [r for r in recs if r['type'] == 'tear']
    check(len(tears) == len(SHAPES), 'one tear per access shape',
          'got %d tears' % len(tears))
    check(not any(r['type'] == 'unobserved' for r in recs),
          'no store escaped the feeder')
    for i, (label, size, data) in enumerate(SHAPES):
        st = tears[i].get('store') if i < len(tears) else None
        want = {'pc': syms.get(label), 'pa': STE, 'size': size,
                'data': data, 'cpu': 0}
        got = None
        if st:
            got = {'pc': int(st['pc'], 16), 'pa': int(st['pa'], 16),
                   'size': st['size'], 'data': int(st['data'], 16),
                   'cpu': st['cpu']}
        check(got == want, 'store of %s named by its tear' % label[2:],
              'want %s\ngot  %s' % (want, got))
    # Without the property the default under TCG is store: the same tears.
    try:
        p = subprocess.run(
            [qemu, '-M', 'virt,iommu=smmuv3-modern,gic-version=3',
             '-cpu', 'max', '-m', '512M', '-display', 'none',
             '-nodefaults', '-accel', 'tcg', '-semihosting',
             '-kernel', elf], capture_output=True, text=True, timeout=120)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        rc, err = None, 'timeout'
    check(rc == 0 and 'tear check (store): %d tear(s)' % len(SHAPES) in err,
          'tear-check defaults to store under TCG',
          'exit status %s\n%s' % (rc, err[-2000:]))
    print('1..%d' % len(results))
    for n, (ok, name, diag) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', n, name))
        if not ok and diag:
            for line in str(diag).splitlines():
                print('# ' + line)
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
