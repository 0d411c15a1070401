/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * vfio-testdev: drive the PCIe test endpoint smmuv3-modern-testdev
 * through VFIO type1 from user space and check the ATS protocol between
 * the endpoint's ATC and the SMMU with a stock Linux driver stack
 * (vfio-pci, arm-smmu-v3 with ATS enabled on the endpoint):
 *
 *   vfio-testdev BDF
 *
 * Steps (one "SMMUM-CHECK testdev-<step> PASS|FAIL <detail>" line each):
 *   open        container, group, type1 IOMMU (a paging domain: Linux
 *               enables ATS on the endpoint), BAR0 mapped, bus mastering
 *   ats-write   map two pages at IOVA; the device writes 256 bytes through
 *               its ATC (a Translation Request, then a Translated write)
 *   ats-hit     a second write to the same page is served by the ATC
 *               (no new Translation Request)
 *   ats-read    the device reads the second page through the ATC
 *   atc-inv     VFIO_IOMMU_UNMAP_DMA: the kernel's invalidation reaches
 *               the endpoint as CMD_ATC_INV (its counter grows, its ATC
 *               empties)
 *   ats-unmapped  the device asks again for the unmapped IOVA: the
 *               completion grants no access and memory stays untouched
 * Register layout: docs/smmuv3-modern.rst.  Exit status 0 when every step
 * passed.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio-common.h"
/* The endpoint's registers: the device model's own definitions. */
#include "../../hw/arm/smmuv3-modern/smmuv3-modern-testdev.h"

#define PAGE            4096
#define LEN             256
#define IOVA            0x6000000ULL

static int failures;

static void check(const char *name, int ok, const char *fmt, ...)
{
    va_list ap;

    printf("SMMUM-CHECK testdev-%s %s ", name, ok ? "PASS" : "FAIL");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    if (!ok) {
        failures++;
    }
}

/* One DMA of LEN bytes at iova; the device's status. */
static uint32_t td_dma(uint64_t iova, uint32_t flags)
{
    wr32(TD_ADDR_LO, (uint32_t)iova);
    wr32(TD_ADDR_HI, iova >> 32);
    wr32(TD_LEN, LEN);
    wr32(TD_SSID, 0);
    wr32(TD_FLAGS, flags);
    wr32(TD_CMD, TD_CMD_DMA);
    return rd32(TD_STATUS);
}

static void td_buf_fill(uint8_t seed)
{
    for (unsigned i = 0; i < LEN; i += 4) {
        uint32_t w = 0;

        for (unsigned j = 0; j < 4; j++) {
            w |= (uint32_t)(uint8_t)(seed + i + j) << (8 * j);
        }
        wr32(TD_BUF + i, w);
    }
}

static int holds(const uint8_t *p, uint8_t seed)
{
    for (unsigned i = 0; i < LEN; i++) {
        if (p[i] != (uint8_t)(seed + i)) {
            return 0;
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    struct vfio_group_status gstat = { .argsz = sizeof(gstat) };
    struct vfio_region_info bar = { .argsz = sizeof(bar) };
    struct vfio_region_info cfg = { .argsz = sizeof(cfg) };
    struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
    struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
    int container, group, device, grp;
    uint32_t treq, hits, inv, st;
    uint8_t *buf;
    uint16_t cmd;
    char path[64];

    if (argc != 2) {
        fprintf(stderr, "usage: %s BDF\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    grp = group_of(argv[1]);
    snprintf(path, sizeof(path), "/dev/vfio/%d", grp);
    container = open("/dev/vfio/vfio", O_RDWR);
    group = grp < 0 || container < 0 ? -1 : open(path, O_RDWR);
    if (group < 0 || ioctl(group, VFIO_GROUP_GET_STATUS, &gstat) < 0 ||
        !(gstat.flags & VFIO_GROUP_FLAGS_VIABLE) ||
        ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0 ||
        ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
        check("open", 0, "container/group %d/type1 failed", grp);
        return 1;
    }
    device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[1]);
    bar.index = VFIO_PCI_BAR0_REGION_INDEX;
    cfg.index = VFIO_PCI_CONFIG_REGION_INDEX;
    if (device < 0 || ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &bar) < 0 ||
        ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0) {
        check("open", 0, "device fd / region info failed");
        return 1;
    }
    bar0 = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, device,
                bar.offset);
    if (bar0 == MAP_FAILED ||
        pread(device, &cmd, 2, cfg.offset + PCI_COMMAND) != 2) {
        check("open", 0, "BAR0 / config failed");
        return 1;
    }
    cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    if (pwrite(device, &cmd, 2, cfg.offset + PCI_COMMAND) != 2 ||
        rd32(TD_ID) != 0x534d5444) {
        check("open", 0, "bus master / ID 0x%08x", rd32(TD_ID));
        return 1;
    }
    check("open", rd32(TD_CTL_STATE) & 1,
          "group %d, type1, ATS %s in the endpoint", grp,
          rd32(TD_CTL_STATE) & 1 ? "enabled" : "NOT enabled");

    buf = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        check("ats-write", 0, "out of memory");
        return 1;
    }
    memset(buf, 0, 2 * PAGE);
    map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
    map.vaddr = (uintptr_t)buf;
    map.iova = IOVA;
    map.size = 2 * PAGE;
    if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map) < 0) {
        check("ats-write", 0, "VFIO_IOMMU_MAP_DMA failed");
        return 1;
    }

    treq = rd32(TD_TREQ_COUNT);
    td_buf_fill(0x41);
    st = td_dma(IOVA + 0x100, TD_F_WRITE | TD_F_ATS);
    check("ats-write", st == 0 && holds(buf + 0x100, 0x41) &&
          rd32(TD_TREQ_COUNT) == treq + 1,
          "status %u, data %s, %u Translation Request(s)", st,
          holds(buf + 0x100, 0x41) ? "ok" : "WRONG",
          rd32(TD_TREQ_COUNT) - treq);

    hits = rd32(TD_ATC_HITS);
    td_buf_fill(0x52);
    st = td_dma(IOVA + 0x400, TD_F_WRITE | TD_F_ATS);
    check("ats-hit", st == 0 && holds(buf + 0x400, 0x52) &&
          rd32(TD_ATC_HITS) == hits + 1 && rd32(TD_TREQ_COUNT) == treq + 1,
          "status %u, ATC hits +%u, Translation Requests +%u", st,
          rd32(TD_ATC_HITS) - hits, rd32(TD_TREQ_COUNT) - treq);

    for (unsigned i = 0; i < LEN; i++) {
        buf[PAGE + i] = 0x63 + i;
    }
    td_buf_fill(0);
    st = td_dma(IOVA + PAGE, TD_F_ATS);
    {
        uint8_t got[LEN];

        for (unsigned i = 0; i < LEN; i += 4) {
            uint32_t w = rd32(TD_BUF + i);

            memcpy(got + i, &w, 4);
        }
        check("ats-read", st == 0 && holds(got, 0x63),
              "status %u, data %s", st, holds(got, 0x63) ? "ok" : "WRONG");
    }

    inv = rd32(TD_INV_COUNT);
    unmap.iova = IOVA;
    unmap.size = 2 * PAGE;
    if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0) {
        check("atc-inv", 0, "VFIO_IOMMU_UNMAP_DMA failed");
        return 1;
    }
    check("atc-inv", rd32(TD_INV_COUNT) > inv && rd32(TD_ATC_VALID) == 0,
          "%u Invalidate Request(s) reached the endpoint, %u ATC entries "
          "left", rd32(TD_INV_COUNT) - inv, rd32(TD_ATC_VALID));

    memset(buf, 0, 2 * PAGE);
    treq = rd32(TD_TREQ_COUNT);
    td_buf_fill(0x74);
    st = td_dma(IOVA + 0x100, TD_F_WRITE | TD_F_ATS);
    check("ats-unmapped", st == TD_ST_NO_ACCESS && !holds(buf + 0x100, 0x74)
          && rd32(TD_TREQ_COUNT) == treq + 1,
          "status %u (4: no access granted), memory %s", st,
          holds(buf + 0x100, 0x74) ? "WRITTEN" : "untouched");

    munmap(buf, 2 * PAGE);
    munmap((void *)bar0, bar.size);
    close(device);
    close(group);
    close(container);
    return failures ? 1 : 0;
}
