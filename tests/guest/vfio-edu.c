/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * vfio-edu: drive QEMU's "edu" PCI device through VFIO type1 from user
 * space and check that its DMA goes through the IOMMU.
 *
 *   vfio-edu BDF
 *   vfio-edu BDF --cycles N [TAG]
 *
 * Steps (one "SMMUM-CHECK vfio-<step> PASS|FAIL <detail>" line each):
 *   open      container + group + device, type1 IOMMU set, BAR0 mapped,
 *             edu identified and alive, bus mastering enabled
 *   map       VFIO_IOMMU_MAP_DMA of a two-page buffer at IOVA_A
 *   dma       RAM->edu from page 0, edu->RAM into page 1, compare;
 *             twice with different patterns
 *   unmap     VFIO_IOMMU_UNMAP_DMA of IOVA_A reports the full size
 *   fault-write  edu->RAM to the unmapped IOVA_A: the page that used to
 *             be mapped there must stay untouched
 *   fault-read   RAM->edu from the unmapped IOVA_A, then edu->RAM into a
 *             freshly mapped IOVA_C: the data must not be what sits in
 *             the unmapped page
 * With --cycles, N rounds of the whole VFIO life cycle instead: open
 * container and group (ownership claim), attach (SET_CONTAINER +
 * SET_IOMMU: a paging domain), map, RAM->edu->RAM through the mapping,
 * unmap, close device, group and container (detach: the group goes back
 * to its kernel-owned domain).  One "SMMUM-CHECK vfio-<TAG>-<r>" line per
 * round (TAG defaults to "cycle").
 * Exit status 0 when every step passed.  The edu DMA engine completes a
 * faulting transfer normally (QEMU drops the failed access), so the
 * observable proof of the fault is the memory content; the SMMU's event
 * record is checked separately by /init from dmesg.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio-common.h"

#define PAGE            4096
/* Below 256 MiB (edu's default mask) and clear of the 0x8000000 MSI window. */
#define IOVA_A          0x4000000ULL
#define IOVA_C          0x5000000ULL

static int failures;

static void step(const char *fmt, ...)
{
    va_list ap;

    printf("SMMUM-STEP %.3f vfio: ", uptime());
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static void check(const char *name, int ok, const char *fmt, ...)
{
    va_list ap;

    printf("SMMUM-CHECK vfio-%s %s ", name, ok ? "PASS" : "FAIL");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    if (!ok) {
        failures++;
    }
}

static int dma_map(int container, void *vaddr, uint64_t iova, uint64_t size)
{
    struct vfio_iommu_type1_dma_map map = {
        .argsz = sizeof(map),
        .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
        .vaddr = (uintptr_t)vaddr,
        .iova = iova,
        .size = size,
    };

    return ioctl(container, VFIO_IOMMU_MAP_DMA, &map);
}

static long long dma_unmap(int container, uint64_t iova, uint64_t size)
{
    struct vfio_iommu_type1_dma_unmap unmap = {
        .argsz = sizeof(unmap),
        .iova = iova,
        .size = size,
    };

    if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0) {
        return -1;
    }
    return unmap.size;
}

/* One open/attach/map/DMA/unmap/detach/close round; 0 on success. */
static int cycle(const char *bdf, int grp, const char *tag, int round)
{
    struct vfio_region_info bar = { .argsz = sizeof(bar) };
    struct vfio_region_info cfg = { .argsz = sizeof(cfg) };
    struct vfio_group_status gstat = { .argsz = sizeof(gstat) };
    char path[64], name[64];
    int container = -1, group = -1, device = -1, type, err = 0, same = 0;
    uint8_t *buf = MAP_FAILED;
    const char *what = "ok";
    uint16_t cmd;
    long long un = -1;

    snprintf(name, sizeof(name), "%s-%d", tag, round);
    step("%s: open container and group %d", name, grp);
    container = open("/dev/vfio/vfio", O_RDWR);
    snprintf(path, sizeof(path), "/dev/vfio/%d", grp);
    group = container < 0 ? -1 : open(path, O_RDWR);
    if (group < 0 || ioctl(group, VFIO_GROUP_GET_STATUS, &gstat) < 0 ||
        !(gstat.flags & VFIO_GROUP_FLAGS_VIABLE)) {
        what = "open container/group failed";
        goto out;
    }
    type = ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0
           ? VFIO_TYPE1v2_IOMMU : VFIO_TYPE1_IOMMU;
    step("%s: attach (set container + IOMMU)", name);
    if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0 ||
        ioctl(container, VFIO_SET_IOMMU, type) < 0) {
        what = "attach failed";
        goto out;
    }
    device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
    bar.index = VFIO_PCI_BAR0_REGION_INDEX;
    cfg.index = VFIO_PCI_CONFIG_REGION_INDEX;
    if (device < 0 ||
        ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &bar) < 0 ||
        ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0) {
        what = "device fd / region info failed";
        goto out;
    }
    bar0 = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, device,
                bar.offset);
    if (bar0 == MAP_FAILED ||
        pread(device, &cmd, 2, cfg.offset + PCI_COMMAND) != 2) {
        what = "BAR0 / config failed";
        goto out;
    }
    cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    if (pwrite(device, &cmd, 2, cfg.offset + PCI_COMMAND) != 2) {
        what = "config write failed";
        goto out;
    }
    buf = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        what = "out of memory";
        goto out;
    }
    memset(buf, 0, 2 * PAGE);
    fill(buf, PAGE, 0x3000 + round);
    step("%s: map IOVA 0x%llx", name, (unsigned long long)IOVA_A);
    if (dma_map(container, buf, IOVA_A, 2 * PAGE) < 0) {
        what = "map failed";
        goto out;
    }
    err |= edu_dma(IOVA_A, EDU_BUF, PAGE, 0);
    err |= edu_dma(EDU_BUF, IOVA_A + PAGE, PAGE, 1);
    same = !err && !memcmp(buf, buf + PAGE, PAGE);
    step("%s: unmap", name);
    un = dma_unmap(container, IOVA_A, 2 * PAGE);
    what = err ? "DMA engine hung" : !same ? "DMA data MISMATCH"
           : un != 2 * PAGE ? "unmap size wrong" : "ok";
out:
    if (bar0 && bar0 != MAP_FAILED) {
        munmap((void *)bar0, bar.size);
    }
    bar0 = NULL;
    if (buf != MAP_FAILED) {
        munmap(buf, 2 * PAGE);
    }
    step("%s: detach and close", name);
    if (device >= 0) {
        close(device);
    }
    if (group >= 0) {
        close(group);
    }
    if (container >= 0) {
        close(container);
    }
    check(name, !strcmp(what, "ok"),
          "open/attach/map/4 KiB RAM->edu->RAM/unmap/detach: %s", what);
    return strcmp(what, "ok") != 0;
}

int main(int argc, char **argv)
{
    struct vfio_group_status gstat = { .argsz = sizeof(gstat) };
    struct vfio_region_info bar = { .argsz = sizeof(bar) };
    struct vfio_region_info cfg = { .argsz = sizeof(cfg) };
    const char *bdf;
    char path[64];
    int container, group, device, grp, iommu_type, i, same;
    uint16_t cmd;
    uint32_t id, live;
    uint8_t *buf, *expect;
    long long unmapped;

    if (argc == 4 || argc == 5) {
        if (strcmp(argv[2], "--cycles")) {
            fprintf(stderr, "usage: %s BDF [--cycles N [TAG]]\n", argv[0]);
            return 2;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);
        grp = group_of(argv[1]);
        if (grp < 0) {
            check(argc == 5 ? argv[4] : "cycle", 0, "%s has no IOMMU group",
                  argv[1]);
            return 1;
        }
        for (i = 1; i <= atoi(argv[3]); i++) {
            cycle(argv[1], grp, argc == 5 ? argv[4] : "cycle", i);
        }
        return failures ? 1 : 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s BDF [--cycles N [TAG]]\n", argv[0]);
        return 2;
    }
    bdf = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* ---- open ---- */
    grp = group_of(bdf);
    step("device %s in IOMMU group %d", bdf, grp);
    if (grp < 0) {
        check("open", 0, "%s has no IOMMU group", bdf);
        return 1;
    }
    container = open("/dev/vfio/vfio", O_RDWR);
    if (container < 0) {
        check("open", 0, "/dev/vfio/vfio: %s", strerror(errno));
        return 1;
    }
    if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
        check("open", 0, "unexpected VFIO API version");
        return 1;
    }
    iommu_type = ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0
                 ? VFIO_TYPE1v2_IOMMU : VFIO_TYPE1_IOMMU;
    snprintf(path, sizeof(path), "/dev/vfio/%d", grp);
    group = open(path, O_RDWR);
    if (group < 0) {
        check("open", 0, "%s: %s", path, strerror(errno));
        return 1;
    }
    if (ioctl(group, VFIO_GROUP_GET_STATUS, &gstat) < 0 ||
        !(gstat.flags & VFIO_GROUP_FLAGS_VIABLE)) {
        check("open", 0, "group %d not viable (all its devices must be "
              "bound to vfio-pci)", grp);
        return 1;
    }
    if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0 ||
        ioctl(container, VFIO_SET_IOMMU, iommu_type) < 0) {
        check("open", 0, "set container/IOMMU: %s", strerror(errno));
        return 1;
    }
    step("container set, IOMMU %s",
         iommu_type == VFIO_TYPE1v2_IOMMU ? "type1v2" : "type1");
    device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
    if (device < 0) {
        check("open", 0, "get device fd: %s", strerror(errno));
        return 1;
    }
    bar.index = VFIO_PCI_BAR0_REGION_INDEX;
    cfg.index = VFIO_PCI_CONFIG_REGION_INDEX;
    if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &bar) < 0 ||
        ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0 ||
        !(bar.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
        check("open", 0, "region info: %s", strerror(errno));
        return 1;
    }
    bar0 = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, device,
                bar.offset);
    if (bar0 == MAP_FAILED) {
        check("open", 0, "mmap BAR0: %s", strerror(errno));
        return 1;
    }
    if (pread(device, &cmd, 2, cfg.offset + PCI_COMMAND) != 2) {
        check("open", 0, "config read: %s", strerror(errno));
        return 1;
    }
    cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    if (pwrite(device, &cmd, 2, cfg.offset + PCI_COMMAND) != 2) {
        check("open", 0, "config write: %s", strerror(errno));
        return 1;
    }
    id = rd32(EDU_ID);
    wr32(EDU_LIVENESS, 0x5a5aa5a5);
    live = rd32(EDU_LIVENESS);
    check("open", (id & 0xff) == 0xed && live == ~0x5a5aa5a5u,
          "group %d, BAR0 %llu KiB, edu id 0x%08x, liveness 0x%08x",
          grp, (unsigned long long)bar.size >> 10, id, live);
    if (failures) {
        return 1;
    }

    /* ---- map ---- */
    buf = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect = malloc(PAGE);
    if (buf == MAP_FAILED || !expect) {
        check("map", 0, "out of memory");
        return 1;
    }
    memset(buf, 0, 2 * PAGE);
    i = dma_map(container, buf, IOVA_A, 2 * PAGE);
    check("map", i == 0, "IOVA 0x%llx size 0x%x: %s",
          (unsigned long long)IOVA_A, 2 * PAGE, i ? strerror(errno) : "ok");
    if (i) {
        return 1;
    }

    /* ---- DMA both ways, twice ---- */
    for (i = 0; i < 2; i++) {
        int err = 0;

        fill(buf, PAGE, 0x1000 + i);
        memset(buf + PAGE, 0, PAGE);
        step("round %d: RAM->edu from IOVA 0x%llx", i,
             (unsigned long long)IOVA_A);
        err |= edu_dma(IOVA_A, EDU_BUF, PAGE, 0);
        step("round %d: edu->RAM to IOVA 0x%llx", i,
             (unsigned long long)(IOVA_A + PAGE));
        err |= edu_dma(EDU_BUF, IOVA_A + PAGE, PAGE, 1);
        same = !memcmp(buf, buf + PAGE, PAGE);
        check(i ? "dma-2" : "dma-1", !err && same,
              "4 KiB RAM->edu->RAM through IOVA 0x%llx: %s",
              (unsigned long long)IOVA_A,
              err ? "DMA engine hung" : same ? "data matches" : "MISMATCH");
    }

    /* ---- unmap ---- */
    unmapped = dma_unmap(container, IOVA_A, 2 * PAGE);
    check("unmap", unmapped == 2 * PAGE, "unmapped %lld bytes at 0x%llx",
          unmapped, (unsigned long long)IOVA_A);

    /* ---- DMA to the unmapped IOVA must not land ---- */
    memset(buf + PAGE, 0x5a, PAGE);
    step("edu->RAM to unmapped IOVA 0x%llx (expect a fault)",
         (unsigned long long)(IOVA_A + PAGE));
    i = edu_dma(EDU_BUF, IOVA_A + PAGE, PAGE, 1);
    for (same = 1, unmapped = 0; unmapped < PAGE; unmapped++) {
        if (buf[PAGE + unmapped] != 0x5a) {
            same = 0;
            break;
        }
    }
    check("fault-write", !i && same, "%s",
          i ? "DMA engine hung" : same ? "old page untouched"
          : "DATA LANDED in the unmapped page");

    /* ---- DMA from the unmapped IOVA must not read the page ---- */
    fill(buf, PAGE, 0x2000);
    memcpy(expect, buf, PAGE);
    step("RAM->edu from unmapped IOVA 0x%llx (expect a fault)",
         (unsigned long long)IOVA_A);
    i = edu_dma(IOVA_A, EDU_BUF, PAGE, 0);
    memset(buf + PAGE, 0, PAGE);
    if (dma_map(container, buf + PAGE, IOVA_C, PAGE) < 0) {
        check("fault-read", 0, "map IOVA 0x%llx: %s",
              (unsigned long long)IOVA_C, strerror(errno));
        return 1;
    }
    step("edu->RAM to IOVA 0x%llx", (unsigned long long)IOVA_C);
    i |= edu_dma(EDU_BUF, IOVA_C, PAGE, 1);
    same = !memcmp(expect, buf + PAGE, PAGE);
    check("fault-read", !i && !same, "%s",
          i ? "DMA engine hung" : same ? "edu READ the unmapped page"
          : "edu did not get the unmapped page's data");
    dma_unmap(container, IOVA_C, PAGE);

    close(device);
    close(group);
    close(container);
    step("done, %d failure(s)", failures);
    return failures ? 1 : 0;
}
