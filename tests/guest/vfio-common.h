/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * What the guest programs that drive a PCI device from user space share
 * (vfio-edu, vfio-testdev, iommufd/iommufd-exerciser): the device's
 * mmap()ed BAR 0 and its MMIO accessors, QEMU's edu device (registers and
 * one DMA), a pseudo-random fill, the boot-time clock and a device's
 * IOMMU group from sysfs.  Header-only (static inline): each program is
 * built alone from its .c file.
 */
#ifndef SMMUM_GUEST_VFIO_COMMON_H
#define SMMUM_GUEST_VFIO_COMMON_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* QEMU's edu device, BAR 0 (QEMU docs/specs/edu.rst). */
#define EDU_ID          0x00
#define EDU_LIVENESS    0x04
#define EDU_DMA_SRC     0x80
#define EDU_DMA_DST     0x88
#define EDU_DMA_CNT     0x90
#define EDU_DMA_CMD     0x98
#define EDU_CMD_START   0x1
#define EDU_CMD_TO_RAM  0x2
#define EDU_BUF         0x40000ULL

/* The device's BAR 0, mmap()ed MMIO: volatile so every access reaches it */
static volatile uint8_t *bar0;

/* Device registers: each access must be one MMIO access (volatile). */
static inline uint32_t rd32(unsigned off)
{
    return *(volatile uint32_t *)(bar0 + off); /* MMIO */
}

static inline void wr32(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(bar0 + off) = v; /* MMIO */
}

static inline uint64_t rd64(unsigned off)
{
    return *(volatile uint64_t *)(bar0 + off); /* MMIO */
}

static inline void wr64(unsigned off, uint64_t v)
{
    *(volatile uint64_t *)(bar0 + off) = v; /* MMIO */
}

/* Seconds since boot (what dmesg's clock shows). */
static inline double uptime(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_BOOTTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Run one edu DMA and wait for the engine to go idle; -1 when it hangs.
 * edu completes a transfer from a virtual-time timer; the wall-clock
 * bound only stops a hang.
 */
static inline int edu_dma(uint64_t src, uint64_t dst, uint64_t cnt,
                          int to_ram)
{
    double deadline = uptime() + 30.0;
    struct timespec ms = { 0, 1000000 };

    wr64(EDU_DMA_SRC, src);
    wr64(EDU_DMA_DST, dst);
    wr64(EDU_DMA_CNT, cnt);
    wr64(EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
    while (rd64(EDU_DMA_CMD) & EDU_CMD_START) {
        if (uptime() > deadline) {
            return -1;
        }
        nanosleep(&ms, NULL);
    }
    return 0;
}

/* n pseudo-random bytes (xorshift32) that depend on seed. */
static inline void fill(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;

    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = x >> 24;
    }
}

/* The IOMMU group number of the PCI device bdf, or -1. */
static inline int group_of(const char *bdf)
{
    char path[PATH_MAX], link[PATH_MAX];
    const char *slash;
    ssize_t n;

    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
    n = readlink(path, link, sizeof(link) - 1);
    if (n < 0) {
        return -1;
    }
    link[n] = 0;
    slash = strrchr(link, '/');
    return atoi(slash ? slash + 1 : link);
}

#endif
