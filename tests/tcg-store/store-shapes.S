/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bare-metal aarch64 image for the store feeder of smmuv3-modern's tear
 * checker (tests/tcg-store/run.py runs it under TCG with -kernel).
 *
 * It enables the SMMU with a linear stream table, makes StreamID 16 a live
 * bypass STE (CFGI + SYNC), then, once per access shape, sets its Config
 * to stage 2 with no stage-2 fields (ILLEGAL: a state neither end of the
 * window has), puts bypass back with a plain STR and issues CFGI + SYNC.
 * Each window must produce one tear whose first offending store is the
 * shape's instruction (label t_<shape>; run.py reads them with nm).
 * Exits through semihosting SYS_EXIT: 0 on success, 1 if the SMMU never
 * acknowledged the enable, 2 if a command queue did not drain.
 */
        .equ SMMU,              0x09050000
        .equ CR0,               0x20
        .equ CR0ACK,            0x24
        .equ STRTAB_BASE,       0x80
        .equ STRTAB_BASE_CFG,   0x88
        .equ CMDQ_BASE,         0x90
        .equ CMDQ_PROD,         0x98
        .equ CMDQ_CONS,         0x9c
        .equ PT,                0x40200000      /* L1 translation table */
        .equ STRTAB,            0x41000000      /* 64 STEs */
        .equ CMDQ,              0x41100000      /* 256 commands */
        .equ SID,               16
        .equ STE,               STRTAB + SID * 64
        .equ BYPASS,            0x9             /* V, Config=bypass */
        .equ S2,                0xd             /* V, Config=S2 */

        .arch   armv8.1-a
        .text
        .global _start
_start:
        ldr     x0, =0x40300000
        mov     sp, x0
        /* Identity map: 0-1 GiB Device-nGnRnE, 1-2 GiB Normal WB. */
        ldr     x0, =PT
        mov     x1, #0x401                      /* block, AF, attr 0 */
        str     x1, [x0]
        ldr     x1, =0x40000705                 /* block, AF, ISH, attr 1 */
        str     x1, [x0, #8]
        ldr     x1, =0xff00
        msr     mair_el1, x1
        ldr     x1, =(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
        orr     x1, x1, #(1 << 32)              /* IPS: 36 bits */
        msr     tcr_el1, x1
        msr     ttbr0_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        mrs     x1, sctlr_el1
        orr     x1, x1, #(1 << 0)               /* M */
        orr     x1, x1, #(1 << 2)               /* C */
        orr     x1, x1, #(1 << 12)              /* I */
        bic     x1, x1, #(1 << 1)               /* A: unaligned allowed */
        msr     sctlr_el1, x1
        isb

        /* SMMU: linear stream table of 2^6 STEs, command queue, SMMUEN. */
        ldr     x21, =SMMU
        ldr     x0, =STRTAB
        str     x0, [x21, #STRTAB_BASE]
        mov     w0, #6
        str     w0, [x21, #STRTAB_BASE_CFG]
        ldr     x0, =(CMDQ | 8)
        str     x0, [x21, #CMDQ_BASE]
        str     wzr, [x21, #CMDQ_PROD]
        str     wzr, [x21, #CMDQ_CONS]
        mov     x20, #0                         /* our CMDQ_PROD */
        mov     w0, #0x9                        /* SMMUEN | CMDQEN */
        str     w0, [x21, #CR0]
        mov     x2, #0x100000
1:      ldr     w1, [x21, #CR0ACK]
        cmp     w1, w0
        b.eq    2f
        subs    x2, x2, #1
        b.ne    1b
        mov     x0, #1
        b       exit
2:
        ldr     x19, =STE
        mov     x1, #BYPASS
        str     x1, [x19]
        bl      cfgi_sync
        /*
         * Give the main loop time to install the watch over the stream
         * table and this vCPU time to flush its TLB.
         */
        ldr     x2, =20000000
3:      subs    x2, x2, #1
        b.ne    3b

        mov     x9, #BYPASS
        mov     x1, #S2
        /* 8-byte STR */
t_str:  str     x1, [x19]
        str     x9, [x19]
        bl      cfgi_sync
        /* STP: a 16-byte store, two 8-byte calls */
t_stp:  stp     x1, xzr, [x19]
        str     x9, [x19]
        bl      cfgi_sync
        /* narrow stores */
t_strb: strb    w1, [x19]
        str     x9, [x19]
        bl      cfgi_sync
t_strh: strh    w1, [x19]
        str     x9, [x19]
        bl      cfgi_sync
t_strw: str     w1, [x19]
        str     x9, [x19]
        bl      cfgi_sync
        /* unaligned: split by TCG into aligned pieces, same PC */
        lsl     x3, x1, #32
t_stur: stur    x3, [x19, #-4]
        str     x9, [x19]
        bl      cfgi_sync
        lsl     w3, w1, #8
t_sturh: sturh  w3, [x19, #-1]
        str     x9, [x19]
        bl      cfgi_sync
        /* DC ZVA: the whole STE to zero (V=0: abort), as byte stores */
t_zva:  dc      zva, x19
        str     x9, [x19]
        bl      cfgi_sync
        /* CAS (LSE): stop-the-world fallback on I/O */
        mov     x4, #BYPASS
t_cas:  cas     x4, x1, [x19]
        str     x9, [x19]
        bl      cfgi_sync
        /* exclusives */
4:      ldxr    x4, [x19]
t_stxr: stxr    w5, x1, [x19]
        cbnz    w5, 4b
        str     x9, [x19]
        bl      cfgi_sync
        mov     x0, #0
        b       exit

/* CMD_CFGI_STE(SID, Leaf=1) then CMD_SYNC; wait for the queue to drain. */
cfgi_sync:
        dsb     sy
        ldr     x10, =CMDQ
        and     x11, x20, #0xff
        add     x11, x10, x11, lsl #4
        ldr     x12, =(0x03 | (SID << 32))
        mov     x13, #1
        stp     x12, x13, [x11]
        add     x20, x20, #1
        and     x11, x20, #0xff
        add     x11, x10, x11, lsl #4
        mov     x12, #0x46
        stp     x12, xzr, [x11]
        add     x20, x20, #1
        dsb     sy
        and     x11, x20, #0x1ff
        str     w11, [x21, #CMDQ_PROD]
        mov     x2, #0x100000
5:      ldr     w12, [x21, #CMDQ_CONS]
        and     w12, w12, #0x1ff
        cmp     w12, w11
        b.eq    6f
        subs    x2, x2, #1
        b.ne    5b
        mov     x0, #2
        b       exit
6:      ret

/* Semihosting SYS_EXIT with ADP_Stopped_ApplicationExit and code x0. */
exit:
        ldr     x1, =block
        str     x0, [x1, #8]
        mov     x0, #0x18
        hlt     #0xf000
7:      b       7b

        .ltorg
        .data
        .balign 16
block:  .quad   0x20026
        .quad   0
