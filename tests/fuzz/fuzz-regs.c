/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer driver for the smmuv3-modern core's "regs" harness. */
#include "smmum-fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return smmum_fuzz_regs(data, size);
}
