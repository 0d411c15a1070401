#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Write the seed corpora in tests/fuzz/corpus/<harness>/: the shapes the
# unit tests use (queues programmed, bypass / stage-1 / stage-2 STEs,
# CFGI + SYNC, hitless and torn STE updates), encoded in the operation
# format of smmum-fuzz.c.  Re-run after changing that format.
import os
import struct
import sys

TOP = os.path.dirname(os.path.abspath(__file__))

# smmum-fuzz.c: bases[] indices
B_CMDQ, B_EVTQ, B_STRTAB, B_L2, B_CDT, B_CDL2, B_TT = range(7)
F_TT = 0x800000
F_CDT = 0x600000
F_L2 = 0x500000


def u8(v): return struct.pack('<B', v & 0xff)
def u16(v): return struct.pack('<H', v & 0xffff)
def u32(v): return struct.pack('<I', v & 0xffffffff)
def u64(v): return struct.pack('<Q', v & (2**64 - 1))


class Seq:
    """Operations for one harness; ops maps a name to its index."""

    def __init__(self, ops, head):
        self.ops = ops
        self.b = bytes(head)

    def op(self, name, *fields):
        self.b += u8(self.ops[name])
        for f in fields:
            self.b += f
        return self

    def mem(self, base, off, val):
        return self.op('memw', u8(base), u16(off // 8), u64(val))

    def ste(self, base, sid, words):
        for i, w in enumerate(words):
            self.mem(base, sid * 64 + i * 8, w)
        return self

    def xlate(self, sid, addr, write=False, ssid=None):
        f = 64 | (8 if write else 0) | (4 if ssid is not None else 0)
        return self.op('xlate', u8(f), u8(sid), u8(ssid or 0), u64(addr))

    def cmd(self, opc_index, d0=0, d1=0):
        return self.op('cmd', u8(opc_index), u64(d0), u64(d1))


REGS = dict(read=0, write=1, hot=2, xlate=5, gack=6, evtc=7, memw=8,
            reset=9)
CMDQ = dict(cmd=0, prod=4, memw=5, evtc=6, gack=7, hot=8, xlate=9)
XLATE = dict(memw=0, xlate=4, cmd=6, evtc=7, gack=8, store=9, tfin=10)
# smmum-fuzz.c: opcodes[] indices
C_PREFETCH, C_PREFETCH_ADDR, C_CFGI_STE, C_CFGI_STE_RANGE, C_CFGI_CD, \
    C_CFGI_CD_ALL, C_TLBI_NH_ALL, C_TLBI_NH_ASID, C_TLBI_NH_VA = range(9)
C_TLBI_S12_VMALL, C_TLBI_S2_IPA, C_TLBI_NSNH_ALL = 16, 17, 18
C_SYNC, C_ZERO, C_FF = 23, 24, 25
# hot_regs[] indices
H_CR0, H_CR1, H_CR2, H_GBPA, H_IRQ_CTRL, H_GERRORN = range(6)
H_STRTAB_BASE, H_STRTAB_CFG, H_CMDQ_BASE, H_CMDQ_PROD = 9, 10, 11, 12
H_EVTQ_BASE, H_EVTQ_PROD, H_EVTQ_CONS = 14, 15, 16


def sid_cmd(sid, ssid=0, leaf=1):
    return (sid << 32) | (ssid << 12), leaf


def ste_bypass():
    return [1 | (4 << 1)] + [0] * 7


def ste_abort():
    return [1] + [0] * 7


def ste_s1(cd):
    return [1 | (5 << 1) | cd] + [0] * 7


def ste_s2(ttb):
    w = [1 | (6 << 1), 0, 0, 0, 0, 0, 0, 0]
    w[2] = 7 | (25 << 32) | (1 << 38) | (2 << 48) | (1 << 51) | (1 << 58)
    w[3] = ttb
    return w


def cd(ttb, asid=1):
    w0 = 25 | (1 << 30) | (1 << 31) | (2 << 32) | (1 << 41) | (1 << 45) | \
        (1 << 46) | (asid << 48)
    return [w0, ttb, 0, 0, 0, 0, 0, 0]


def page_tables(s, base_idx, root, va, pa, s2=False):
    """4K granule, start level 1: L1 at root, L2 +0x1000, L3 +0x2000."""
    l2, l3 = root + 0x1000, root + 0x2000
    attrs = (1 << 10) | ((3 << 6) | (0xf << 2) if s2 else 0)
    s.mem(base_idx, (va >> 30 & 0x1ff) * 8, l2 | 3)
    s.mem(base_idx, 0x1000 + (va >> 21 & 0x1ff) * 8, l3 | 3)
    s.mem(base_idx, 0x2000 + (va >> 12 & 0x1ff) * 8, pa | 3 | attrs)


def seeds():
    out = {'regs': [], 'cmdq': [], 'xlate': [], 'tear': []}
    # regs: program like fx_queues/fx_enable, then read everything back.
    s = Seq(REGS, [0, 0])
    for reg, val, sz in [(H_CMDQ_BASE, 0x100000 | 4, 1),
                         (H_EVTQ_BASE, 0x200000 | 6, 1),
                         (H_STRTAB_BASE, 0x400000, 1), (H_STRTAB_CFG, 8, 0),
                         (H_IRQ_CTRL, 5, 0), (H_CR2, 2, 0),
                         (H_CR0, 0xd, 0), (H_GBPA, (1 << 31) | (1 << 20), 0)]:
        s.op('hot', u8(reg), u8(sz), u64(val) if sz else u32(val))
    for off in [0x0, 0x4, 0x14, 0x20, 0x24, 0x44, 0x60, 0x90, 0x98, 0x9c,
                0x100a8, 0x100ac]:
        s.op('read', u32(off), u8(4))
    s.op('read', u32(0x90), u8(8)).op('read', u32(0x22), u8(2))
    s.op('write', u32(0x20), u8(1), u64(1)).op('gack').op('reset')
    out['regs'].append(s.b)
    s = Seq(REGS, [0x01, 0x08])
    s.op('hot', u8(H_STRTAB_CFG), u8(0), u32((1 << 16) | (6 << 6) | 24))
    s.op('hot', u8(H_CR0), u8(0), u32(1)).xlate(70000, 0x1000)
    s.op('hot', u8(H_GERRORN), u8(0), u32(0x1fd)).op('gack', u8(1), u32(5))
    out['regs'].append(s.b)

    # cmdq: CFGI/TLBI/SYNC sequences, bad commands, PROD garbage.
    s = Seq(CMDQ, [0, 0, 3])
    d0, _ = sid_cmd(1)
    s.cmd(C_CFGI_STE, d0, 1).cmd(C_SYNC).cmd(C_PREFETCH, d0)
    s.cmd(C_CFGI_STE_RANGE, 0, 31).cmd(C_TLBI_NH_ASID, 5 << 48)
    s.cmd(C_TLBI_S12_VMALL, 3 << 32).cmd(C_CFGI_CD, d0 | (3 << 12), 1)
    s.cmd(C_CFGI_CD_ALL, d0).cmd(C_TLBI_NSNH_ALL).cmd(C_SYNC, 1 << 12, 0)
    s.cmd(C_SYNC, 2 << 12)
    out['cmdq'].append(s.b)
    s = Seq(CMDQ, [0, 8, 0x12])
    s.cmd(C_ZERO).op('gack').op('prod', u32(0x80000001)).cmd(C_FF, ~0, ~0)
    s.op('gack').cmd(C_SYNC, 1 << 12, 1).op('prod', u32(0xffffffff))
    out['cmdq'].append(s.b)
    s = Seq(CMDQ, [0, 0, 0x09])             # tiny event queue
    s.op('memw', u8(B_STRTAB), u16(8), u64(0))
    for _ in range(6):
        s.op('xlate', u8(0x40), u8(1), u8(0), u64(0x1000))
    s.op('evtc').op('xlate', u8(0x40), u8(1), u8(0), u64(0x1000))
    out['cmdq'].append(s.b)

    # xlate: bypass, abort, S1 with page tables, S2, bad CD, loops.
    s = Seq(XLATE, [0, 0, 0])
    s.ste(B_STRTAB, 1, ste_bypass()).xlate(1, 0x12345678)
    s.ste(B_STRTAB, 2, ste_abort()).xlate(2, 0x1000)
    s.xlate(3, 0x1000).xlate(300, 0x1000)
    out['xlate'].append(s.b)
    s = Seq(XLATE, [0x20, 0, 0])
    s.ste(B_STRTAB, 1, ste_s1(F_CDT)).ste(B_CDT, 0, cd(F_TT))
    page_tables(s, B_TT, F_TT, 0x10000000, 0x80000000)
    s.xlate(1, 0x10000000).xlate(1, 0x10000000, write=True)
    s.xlate(1, 0x20000000).cmd(C_TLBI_NH_ALL).cmd(C_SYNC)
    s.mem(B_TT, 0x1000 + 0x80 * 8, F_TT | 3)     # L2 entry -> L1: loop
    s.xlate(1, 0x10000000).cmd(C_TLBI_NH_ALL).cmd(C_SYNC)
    s.xlate(1, 0x10000000)
    out['xlate'].append(s.b)
    s = Seq(XLATE, [0, 0, 0])
    s.ste(B_STRTAB, 4, ste_s2(F_TT))
    page_tables(s, B_TT, F_TT, 0x10000000, 0x80000000, s2=True)
    s.xlate(4, 0x10000000).xlate(4, 0x10000000, write=True)
    s.mem(B_TT, 0, 0xf000000 | 3).cmd(C_TLBI_S12_VMALL).cmd(C_SYNC)
    s.xlate(4, 0x10000000)
    out['xlate'].append(s.b)
    # 2-level stream table, tear checker in store mode, STE rewritten live.
    s = Seq(XLATE, [0, 0x40, 0x10])
    s.mem(B_STRTAB, 0, F_L2 | 7)
    s.ste(B_L2, 1, ste_bypass()).xlate(1, 0x1000)
    d0, _ = sid_cmd(1)
    for w in [ste_abort(), ste_s2(F_TT), ste_bypass()]:
        s.ste(B_L2, 1, w).cmd(C_CFGI_STE, d0, 1).cmd(C_SYNC).xlate(1, 0x1000)
    s.op('tfin', u8(1))
    out['xlate'].append(s.b)

    # tear: hitless and torn STE updates through stores, CFGI, SYNC.
    def tstore(b, base, off, val):
        return b + u8(0) + u8(base) + u16(off // 8) + u64(val)

    def tcfgi(b, kind, sid, ssid=0, rng=1):
        return b + u8(3) + u8(kind) + u8(sid) + u8(ssid) + u8(rng)

    b = bytes([0, 0, 0])
    for i, w in enumerate(ste_bypass()):
        b = tstore(b, B_STRTAB, 64 + i * 8, w)
    b = tcfgi(b, 0, 1) + u8(4) + u8(7) + u8(0) + u8(1) + u8(0)
    for i, w in enumerate(ste_s2(F_TT)):
        b = tstore(b, B_STRTAB, 64 + i * 8, w)
    b = tcfgi(b, 0, 1) + u8(4)
    b += u8(5) + u8((B_STRTAB << 2) | 0) + u8(1) + u8(0) + u16(8)
    b += u8(10) + u16(500) + u8(4) + u8(9) + u8(1)
    out['tear'].append(b)
    b = bytes([0, 0, 0x81])
    b = tstore(b, B_STRTAB, 0, F_L2 | 7)
    for i, w in enumerate(ste_s1(F_CDT)):
        b = tstore(b, B_L2, 64 + i * 8, w)
    for i, w in enumerate(cd(F_TT)):
        b = tstore(b, B_CDT, i * 8, w)
    b = tcfgi(b, 0, 1, rng=0) + u8(4)
    b = tstore(b, B_CDT, 8, F_TT + 0x1000)
    b = tstore(b, B_CDT, 0, cd(F_TT, 7)[0])
    b = tcfgi(b, 3, 1) + u8(4) + u8(8) + u8(0) + u8(4)
    b += u8(11) + u8(B_CDT) + u16(8)
    out['tear'].append(b)
    return out


def main():
    for name, inputs in seeds().items():
        d = os.path.join(TOP, 'corpus', name)
        os.makedirs(d, exist_ok=True)
        for i, data in enumerate(inputs):
            with open(os.path.join(d, 'seed-%02d' % i), 'wb') as f:
                f.write(data)
    return 0


if __name__ == '__main__':
    sys.exit(main())
