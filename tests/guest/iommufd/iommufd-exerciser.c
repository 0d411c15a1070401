/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * iommufd-exerciser: walk QEMU's "edu" device through the iommufd domain
 * states the arm-smmu-v3 driver offers, with edu DMA proving each state
 * translates (or blocks) as intended.
 *
 *   iommufd-exerciser BDF [IDR0,IDR1,IDR2,IDR3,IDR4,IDR5]
 *   iommufd-exerciser --pasid BDF
 *
 * The second form drives the project's PCIe test endpoint
 * (smmuv3-modern-testdev, which has a PASID capability) instead: RID on
 * a PASID-capable paging HWPT, PASID 1 attached to an HWPT of another
 * IOAS, replaced by a third, detached; DMA with and without the PASID
 * shows which address space each one reaches.  Its steps are named
 * pdev-*.
 *
 * BDF must be bound to vfio-pci with a VFIO device cdev
 * (/sys/bus/pci/devices/BDF/vfio-dev/vfioN).  The optional IDR list is
 * what the host read from the model; IOMMU_GET_HW_INFO must report it.
 *
 * Every step prints, in this order,
 *   SMMUM-IOMMUFD <vcnt> <uptime> <N> <name> ok|FAIL|SKIP <detail>
 *   SMMUM-CHECK iommufd-<name> PASS|FAIL|SKIP <detail>
 * where vcnt is the guest's virtual counter (CNTVCT_EL0, in ns) when the
 * step began: the model's tear report stamps commands with the same clock
 * (QEMU's virtual clock), so host tools line report records up with steps.
 *
 * States and what edu's DMA must show in each:
 *   blocked     (after bind, after detach)  a DMA write to IOVA_A lands
 *               nowhere; a read from it does not return the buffer
 *   paging A/B  (S1 HWPTs of the IOAS)      IOVA_A..: round trip intact
 *   dirty       (HWPT with DIRTY_TRACKING)  only the DMA-written page is
 *               reported dirty
 *   s2 parent   (HWPT NEST_PARENT)          IOVA_A round trip intact
 *   nested abort / bypass / s1 (vSTEs on a vIOMMU over the parent):
 *               abort blocks; bypass = the parent's S2 (IPA = IOVA);
 *               s1 walks the exerciser's own CD + stage-1 tables (in
 *               memory mapped through the IOAS) from VA_S1 to the buffer,
 *               faults outside them into the vEVENTQ, and follows CD and
 *               page-table changes after CFGI_CD / TLBI_NH_* sent through
 *               IOMMU_HWPT_INVALIDATE on the vIOMMU.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <linux/iommufd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "../vfio-common.h"
/* The test endpoint's registers: the device model's own definitions. */
#include "../../../hw/arm/smmuv3-modern/smmuv3-modern-testdev.h"

#define PAGE            4096ULL
#define BUF_PAGES       16
/* IOVAs (IPAs when nested): below the 0x8000000 MSI window. */
#define IOVA_A          0x4000000ULL
#define IOVA_TBL        0x6000000ULL
#define TBL_PAGES       8
/* Stage-1 input addresses of the nested S1 state (39-bit VA). */
#define VA_S1           0x10000000ULL
#define VA_S1_HOLE      (VA_S1 + 5 * PAGE)
#define VSID            0x42
#define S1_ASID         0x55

/* STE / CD / command / event encodings (IHI 0070 5.2, 5.4, 4.x, 7.3). */
#define STE0_V          (1ULL << 0)
#define STE0_CFG(c)     ((uint64_t)(c) << 1)
#define STE_CFG_ABORT   0
#define STE_CFG_BYPASS  4
#define STE_CFG_S1      5
#define STE1_S1CIR_WB   (1ULL << 2)
#define STE1_S1COR_WB   (1ULL << 4)
#define STE1_S1CSH_IS   (3ULL << 6)
#define CD0_T0SZ(x)     ((uint64_t)(x) << 0)
#define CD0_IRGN0_WB    (1ULL << 8)
#define CD0_ORGN0_WB    (1ULL << 10)
#define CD0_SH0_IS      (3ULL << 12)
#define CD0_EPD1        (1ULL << 30)
#define CD0_V           (1ULL << 31)
#define CD0_IPS(x)      ((uint64_t)(x) << 32)
#define CD0_AA64        (1ULL << 41)
#define CD0_R           (1ULL << 45)
#define CD0_A           (1ULL << 46)
#define CD0_ASET        (1ULL << 47)
#define CD0_ASID(x)     ((uint64_t)(x) << 48)
#define PTE_TABLE       3ULL
#define PTE_PAGE        (3ULL | (1ULL << 10) | (3ULL << 8) | (1ULL << 6) | \
                         (1ULL << 11))  /* AF, inner shareable, EL0 RW, nG */
#define CMD_CFGI_CD     0x05
#define CMD_TLBI_NH_ASID 0x11
#define CMD_TLBI_NH_VA  0x12
#define EVT_F_TRANSLATION 0x10

static int failures, nstep;
static int iommufd = -1, devfd = -1;
static uint32_t dev_id;
static unsigned max_pasid_log2;
static uint8_t *buf, *tbl;

/*
 * The guest's virtual counter in nanoseconds: QEMU derives CNTVCT_EL0
 * from its virtual clock, which also stamps the model's report records.
 */
static uint64_t vcnt(void)
{
    uint64_t v, f;

    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    asm volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f ? (uint64_t)((unsigned __int128)v * 1000000000u / f) : v;
}

/* The counter value of the current step's first ioctl. */
static uint64_t step_vcnt;

static void begin(void)
{
    step_vcnt = vcnt();
}

static void result(const char *name, const char *res, const char *fmt, ...)
{
    char detail[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    nstep++;
    printf("SMMUM-IOMMUFD %llu %.6f %d %s %s %s\n",
           (unsigned long long)step_vcnt, uptime(), nstep, name,
           !strcmp(res, "PASS") ? "ok" : res, detail);
    printf("SMMUM-CHECK iommufd-%s %s %s\n", name, res, detail);
    fflush(stdout);
    if (!strcmp(res, "FAIL")) {
        failures++;
    }
}

#define PASS(n, ...) result(n, "PASS", __VA_ARGS__)
#define FAIL(n, ...) result(n, "FAIL", __VA_ARGS__)
#define SKIP(n, ...) result(n, "SKIP", __VA_ARGS__)
#define CHECK(n, ok, ...) result(n, (ok) ? "PASS" : "FAIL", __VA_ARGS__)

static uint8_t *page(unsigned i)
{
    return buf + i * PAGE;
}

/*
 * What a state must do with DMA, checked by a round trip through edu's
 * buffer: read the page at `src` (device address) into edu, write it
 * back to `dst`, compare with page `src_pg` of the buffer landing in page
 * `dst_pg`.  Returns 1 translated, 0 blocked (nothing landed and nothing
 * read), -1 inconsistent (one direction only, wrong data, hang).
 */
static int round_trip(uint64_t src, unsigned src_pg, uint64_t dst,
                      unsigned dst_pg, uint32_t seed, char *why, size_t n)
{
    static uint8_t expect[PAGE], before[PAGE];

    fill(page(src_pg), PAGE, seed);
    memcpy(expect, page(src_pg), PAGE);
    memset(page(dst_pg), 0x5a, PAGE);
    memcpy(before, page(dst_pg), PAGE);
    if (edu_dma(src, EDU_BUF, PAGE, 0) || edu_dma(EDU_BUF, dst, PAGE, 1)) {
        snprintf(why, n, "edu DMA engine hung");
        return -1;
    }
    if (!memcmp(page(dst_pg), expect, PAGE)) {
        snprintf(why, n, "0x%llx -> edu -> 0x%llx intact",
                 (unsigned long long)src, (unsigned long long)dst);
        return 1;
    }
    if (!memcmp(page(dst_pg), before, PAGE)) {
        snprintf(why, n, "nothing landed at 0x%llx",
                 (unsigned long long)dst);
        return 0;
    }
    snprintf(why, n, "0x%llx received data that is not page %u",
             (unsigned long long)dst, src_pg);
    return -1;
}

/* Expect translation (want 1) or blocking (want 0) of IOVA_A. */
static void dma_check(const char *name, int want, uint64_t src, unsigned spg,
                      uint64_t dst, unsigned dpg)
{
    char why[160];
    int got;

    begin();
    got = round_trip(src, spg, dst, dpg, nstep * 7919 + 1, why, sizeof(why));
    CHECK(name, got == want, "%s DMA: %s (expected %s)",
          got == 1 ? "translated" : got == 0 ? "blocked" : "broken", why,
          want ? "translated" : "blocked");
}

/* ---- iommufd / VFIO helpers ---- */

static int ioas_map(uint32_t ioas, void *va, uint64_t iova, uint64_t len)
{
    struct iommu_ioas_map m = {
        .size = sizeof(m),
        .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
                 IOMMU_IOAS_MAP_WRITEABLE,
        .ioas_id = ioas,
        .user_va = (uintptr_t)va,
        .length = len,
        .iova = iova,
    };

    return ioctl(iommufd, IOMMU_IOAS_MAP, &m);
}

static int hwpt_alloc(uint32_t pt_id, uint32_t flags, uint32_t type,
                      void *data, uint32_t len, uint32_t *out)
{
    struct iommu_hwpt_alloc a = {
        .size = sizeof(a),
        .flags = flags,
        .dev_id = dev_id,
        .pt_id = pt_id,
        .data_type = type,
        .data_len = len,
        .data_uptr = (uintptr_t)data,
    };
    int r = ioctl(iommufd, IOMMU_HWPT_ALLOC, &a);

    *out = a.out_hwpt_id;
    return r;
}

/* Attach, or replace when already attached (VFIO cdev semantics). */
static int attach(uint32_t pt_id)
{
    struct vfio_device_attach_iommufd_pt at = {
        .argsz = sizeof(at),
        .pt_id = pt_id,
    };

    return ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
}

static int detach(void)
{
    struct vfio_device_detach_iommufd_pt dt = { .argsz = sizeof(dt) };

    return ioctl(devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt);
}

static void destroy(uint32_t id)
{
    struct iommu_destroy d = { .size = sizeof(d), .id = id };

    if (id) {
        ioctl(iommufd, IOMMU_DESTROY, &d);
    }
}

/* Send ARM SMMUv3 commands through the vIOMMU (IOMMU_HWPT_INVALIDATE). */
static int viommu_invalidate(uint32_t viommu, const uint64_t (*cmds)[2],
                             unsigned n, unsigned *done)
{
    struct iommu_viommu_arm_smmuv3_invalidate inv[4];
    struct iommu_hwpt_invalidate h = {
        .size = sizeof(h),
        .hwpt_id = viommu,
        .data_uptr = (uintptr_t)inv,
        .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
        .entry_len = sizeof(inv[0]),
        .entry_num = n,
    };
    int r;

    for (unsigned i = 0; i < n && i < 4; i++) {
        inv[i].cmd[0] = cmds[i][0];
        inv[i].cmd[1] = cmds[i][1];
    }
    r = ioctl(iommufd, IOMMU_HWPT_INVALIDATE, &h);
    *done = h.entry_num;
    return r;
}

static int open_cdev(const char *bdf)
{
    char path[PATH_MAX];
    struct dirent *e;
    DIR *d;
    int fd = -1;

    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
    d = opendir(path);
    if (!d) {
        return -1;
    }
    while ((e = readdir(d))) {
        if (!strncmp(e->d_name, "vfio", 4)) {
            snprintf(path, sizeof(path), "/dev/vfio/devices/%s", e->d_name);
            fd = open(path, O_RDWR);
            break;
        }
    }
    closedir(d);
    return fd;
}

/* ---- the exerciser's own stage-1 tables (nested S1) ---- */

/* Table pages: 0 CD, 1-3 set A (L1, L2, L3), 4-6 set B. */
static uint64_t *tpage(unsigned i)
{
    return (uint64_t *)(tbl + i * PAGE);
}

static uint64_t tipa(unsigned i)
{
    return IOVA_TBL + i * PAGE;
}

/* Map VA_S1 + k pages -> IOVA_A + target[k] pages in table set at base. */
static void s1_tables(unsigned base, const int *target, unsigned n)
{
    unsigned l1 = (VA_S1 >> 30) & 511, l2 = (VA_S1 >> 21) & 511;
    unsigned l3 = (VA_S1 >> 12) & 511;

    memset(tpage(base), 0, 3 * PAGE);
    tpage(base)[l1] = tipa(base + 1) | PTE_TABLE;
    tpage(base + 1)[l2] = tipa(base + 2) | PTE_TABLE;
    for (unsigned k = 0; k < n; k++) {
        if (target[k] >= 0) {
            tpage(base + 2)[l3 + k] = (IOVA_A + target[k] * PAGE) | PTE_PAGE;
        }
    }
    __sync_synchronize();
}

static void s1_cd(unsigned l1_page)
{
    uint64_t *cd = tpage(0);

    memset(cd, 0, 64);
    cd[1] = tipa(l1_page);                         /* TTB0 */
    cd[3] = 0xff;                                   /* MAIR: attr 0 WB */
    cd[0] = CD0_T0SZ(25) | CD0_IRGN0_WB | CD0_ORGN0_WB | CD0_SH0_IS |
            CD0_EPD1 | CD0_IPS(4) | CD0_AA64 | CD0_R | CD0_A | CD0_ASET |
            CD0_ASID(S1_ASID) | CD0_V;
    __sync_synchronize();
}

static void vste(uint64_t ste[2], unsigned cfg)
{
    ste[0] = STE0_V | STE0_CFG(cfg);
    ste[1] = 0;
    if (cfg == STE_CFG_S1) {
        ste[0] |= tipa(0) & 0x000fffffffffffc0ULL;  /* S1ContextPtr */
        ste[1] = STE1_S1CIR_WB | STE1_S1COR_WB | STE1_S1CSH_IS;
    }
}

/* Read one vEVENT within timeout_ms; returns the event words or -1. */
static int vevent_read(int fd, uint64_t evt[4], uint32_t *seq, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    struct {
        struct iommufd_vevent_header h;
        struct iommu_vevent_arm_smmuv3 e;
    } rec;
    ssize_t n;

    if (poll(&p, 1, ms) <= 0) {
        return -1;
    }
    n = read(fd, &rec, sizeof(rec));
    if (n != (ssize_t)sizeof(rec)) {
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        evt[i] = rec.e.evt[i];
    }
    *seq = rec.h.sequence;
    return 0;
}

/* ---- the steps ---- */

static int setup(const char *bdf, uint32_t *ioas, const uint32_t *want_idr)
{
    struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
    struct vfio_region_info bar = { .argsz = sizeof(bar) };
    struct vfio_region_info cfg = { .argsz = sizeof(cfg) };
    struct iommu_hw_info_arm_smmuv3 info;
    struct iommu_hw_info hi = { .size = sizeof(hi) };
    struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
    char idrs[160];
    uint16_t cmd;
    int same = 1;

    begin();
    iommufd = open("/dev/iommu", O_RDWR);
    devfd = open_cdev(bdf);
    if (iommufd < 0 || devfd < 0) {
        FAIL("open", "/dev/iommu %s, VFIO cdev of %s %s",
             iommufd < 0 ? "missing" : "ok", bdf,
             devfd < 0 ? strerror(errno) : "ok");
        return -1;
    }
    bind.iommufd = iommufd;
    if (ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
        FAIL("bind", "VFIO_DEVICE_BIND_IOMMUFD: %s", strerror(errno));
        return -1;
    }
    dev_id = bind.out_devid;
    PASS("bind", "%s bound to iommufd, dev_id %u: its group is now owned"
         " by user space and attached to the BLOCKED domain", bdf, dev_id);

    begin();
    memset(&info, 0, sizeof(info));
    hi.dev_id = dev_id;
    hi.data_len = sizeof(info);
    hi.data_uptr = (uintptr_t)&info;
    hi.in_data_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
    if (ioctl(iommufd, IOMMU_GET_HW_INFO, &hi) < 0) {
        FAIL("get-hw-info", "IOMMU_GET_HW_INFO: %s", strerror(errno));
    } else {
        snprintf(idrs, sizeof(idrs),
                 "idr=%08x,%08x,%08x,%08x,%08x,%08x iidr=%08x aidr=%08x",
                 info.idr[0], info.idr[1], info.idr[2], info.idr[3],
                 info.idr[4], info.idr[5], info.iidr, info.aidr);
        max_pasid_log2 = hi.out_max_pasid_log2;
        for (int i = 0; want_idr && i < 6; i++) {
            same &= info.idr[i] == want_idr[i];
        }
        CHECK("get-hw-info", hi.out_data_type == IOMMU_HW_INFO_TYPE_ARM_SMMUV3
              && same, "type %u %s max_pasid_log2=%u caps=0x%llx%s",
              hi.out_data_type, idrs, hi.out_max_pasid_log2,
              (unsigned long long)hi.out_capabilities,
              !want_idr ? " (no model IDRs given to compare)" :
              same ? ", equal to the model's IDRs"
                   : ", DIFFERENT from the model's IDRs");
    }

    bar.index = VFIO_PCI_BAR0_REGION_INDEX;
    cfg.index = VFIO_PCI_CONFIG_REGION_INDEX;
    if (ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &bar) < 0 ||
        ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0) {
        FAIL("regions", "region info: %s", strerror(errno));
        return -1;
    }
    bar0 = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, devfd,
                bar.offset);
    if (bar0 == MAP_FAILED ||
        pread(devfd, &cmd, 2, cfg.offset + PCI_COMMAND) != 2) {
        FAIL("regions", "BAR0 mmap / config read: %s", strerror(errno));
        return -1;
    }
    cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    if (pwrite(devfd, &cmd, 2, cfg.offset + PCI_COMMAND) != 2 ||
        (rd32(EDU_ID) & 0xff) != 0xed) {
        FAIL("regions", "edu not identified (id 0x%x)", rd32(EDU_ID));
        return -1;
    }

    begin();
    buf = mmap(NULL, BUF_PAGES * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tbl = mmap(NULL, TBL_PAGES * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED || tbl == MAP_FAILED) {
        FAIL("ioas", "out of memory");
        return -1;
    }
    memset(buf, 0, BUF_PAGES * PAGE);
    memset(tbl, 0, TBL_PAGES * PAGE);
    if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &ia) < 0 ||
        ioas_map(ia.out_ioas_id, buf, IOVA_A, BUF_PAGES * PAGE) < 0 ||
        ioas_map(ia.out_ioas_id, tbl, IOVA_TBL, TBL_PAGES * PAGE) < 0) {
        FAIL("ioas", "IOAS alloc/map: %s", strerror(errno));
        return -1;
    }
    *ioas = ia.out_ioas_id;
    PASS("ioas", "IOAS %u: %d pages at 0x%llx, %d table pages at 0x%llx",
         *ioas, BUF_PAGES, (unsigned long long)IOVA_A, TBL_PAGES,
         (unsigned long long)IOVA_TBL);
    return 0;
}

/* Attach or replace, reporting the step; 0 on success. */
static int go(const char *name, uint32_t pt, const char *what)
{
    int r;

    begin();
    r = attach(pt);
    CHECK(name, r == 0, "attach/replace to %s (id %u): %s", what, pt,
          r ? strerror(errno) : "ok");
    return r;
}

static void dirty_steps(uint32_t ioas, uint32_t paging_a)
{
    struct iommu_hwpt_set_dirty_tracking sd = { .size = sizeof(sd) };
    struct iommu_hwpt_get_dirty_bitmap gd = { .size = sizeof(gd) };
    uint64_t bitmap[1];
    uint32_t hwpt = 0;
    char why[160];
    int got;

    begin();
    if (hwpt_alloc(ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
                   IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt) < 0) {
        SKIP("dirty-alloc", "HWPT_ALLOC with DIRTY_TRACKING: %s (the"
             " driver needs IDR0.HTTU=HD and coherent walks)",
             strerror(errno));
        return;
    }
    PASS("dirty-alloc", "dirty-tracking S1 HWPT %u", hwpt);
    if (go("replace-paging-dirty", hwpt, "dirty-tracking HWPT")) {
        destroy(hwpt);
        return;
    }
    begin();
    sd.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
    sd.hwpt_id = hwpt;
    if (ioctl(iommufd, IOMMU_HWPT_SET_DIRTY_TRACKING, &sd) < 0) {
        FAIL("dirty-enable", "SET_DIRTY_TRACKING: %s", strerror(errno));
    } else {
        PASS("dirty-enable", "dirty tracking on for HWPT %u", hwpt);
        /* Read page 0, write page 3: only page 3 may become dirty. */
        got = round_trip(IOVA_A, 0, IOVA_A + 3 * PAGE, 3, 77, why,
                         sizeof(why));
        begin();
        bitmap[0] = 0;
        gd.hwpt_id = hwpt;
        gd.iova = IOVA_A;
        gd.length = BUF_PAGES * PAGE;
        gd.page_size = PAGE;
        gd.data = (uintptr_t)bitmap;
        if (ioctl(iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &gd) < 0) {
            FAIL("dirty-bitmap", "GET_DIRTY_BITMAP: %s", strerror(errno));
        } else {
            CHECK("dirty-bitmap", got == 1 && bitmap[0] == 1ULL << 3,
                  "%s; dirty bitmap of the %d pages 0x%llx (expected 0x8:"
                  " the DMA-written page only)", why, BUF_PAGES,
                  (unsigned long long)bitmap[0]);
            bitmap[0] = 0;
            ioctl(iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &gd);
            begin();
            CHECK("dirty-cleared", bitmap[0] == 0, "second read after no"
                  " DMA: 0x%llx (expected 0: reading cleared it)",
                  (unsigned long long)bitmap[0]);
        }
        sd.flags = 0;
        ioctl(iommufd, IOMMU_HWPT_SET_DIRTY_TRACKING, &sd);
    }
    go("replace-dirty-paging", paging_a, "paging HWPT A");
    destroy(hwpt);
}

static void pasid_steps(uint32_t ioas)
{
    struct vfio_device_attach_iommufd_pt at = {
        .argsz = sizeof(at),
        .flags = VFIO_DEVICE_ATTACH_PASID,
        .pasid = 1,
    };
    struct vfio_device_detach_iommufd_pt dt = {
        .argsz = sizeof(dt),
        .flags = VFIO_DEVICE_DETACH_PASID,
        .pasid = 1,
    };
    uint32_t h1 = 0, h2 = 0;
    int r;

    begin();
    if (hwpt_alloc(ioas, IOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_DATA_NONE,
                   NULL, 0, &h1) < 0) {
        SKIP("pasid", "HWPT_ALLOC with PASID: %s", strerror(errno));
        return;
    }
    at.pt_id = h1;
    r = ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
    if (r < 0 && max_pasid_log2 == 0) {
        SKIP("pasid", "the device has no PASID capability"
             " (GET_HW_INFO max_pasid_log2=0): attach to PASID 1 refused"
             " with %s; QEMU's edu is a conventional PCI function without"
             " PASID", strerror(errno));
        destroy(h1);
        return;
    }
    if (r == 0 && max_pasid_log2 == 0) {
        /*
         * The core skips its PASID range check for devices without
         * PASID support and arm-smmu-v3 relies on the core: the attach
         * goes through although edu can never issue a PASID.
         */
        SKIP("pasid-attach", "PASID 1 -> HWPT %u ACCEPTED although the"
             " device has no PASID capability (max_pasid_log2=0): nothing"
             " can use it; see docs/iommufd-findings.md", h1);
    } else {
        CHECK("pasid-attach", r == 0, "PASID 1 -> HWPT %u: %s", h1,
              r ? strerror(errno) : "ok");
    }
    if (r == 0) {
        /* The RID stays BLOCKED under a CD-table STE (S1DSS). */
        dma_check("dma-pasid-rid-blocked", 0, IOVA_A, 0, IOVA_A + PAGE, 1);
        begin();
        if (hwpt_alloc(ioas, IOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_DATA_NONE,
                       NULL, 0, &h2) == 0) {
            at.pt_id = h2;
            r = ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
            CHECK("pasid-replace", r == 0, "PASID 1 -> HWPT %u: %s", h2,
                  r ? strerror(errno) : "ok");
        }
        begin();
        r = ioctl(devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt);
        CHECK("pasid-detach", r == 0, "PASID 1 detached: %s",
              r ? strerror(errno) : "ok");
        dma_check("dma-pasid-detached-blocked", 0, IOVA_A, 0, IOVA_A + PAGE,
                  1);
    }
    destroy(h2);
    destroy(h1);
}

/* The nested states on a vIOMMU over the S2 parent. */
static void nested_steps(uint32_t s2, uint32_t paging_a)
{
    struct iommu_viommu_alloc va = { .size = sizeof(va) };
    struct iommu_vdevice_alloc vd = { .size = sizeof(vd) };
    struct iommu_veventq_alloc vq = { .size = sizeof(vq) };
    uint64_t ste[2], evt[4], cmds[2][2];
    uint32_t n_abort = 0, n_bypass = 0, n_s1 = 0, seq;
    const int set_a[] = { 0, 1 }, set_b[] = { 6, 1 };
    unsigned done;
    int veventq = -1, r;

    begin();
    va.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
    va.dev_id = dev_id;
    va.hwpt_id = s2;
    if (ioctl(iommufd, IOMMU_VIOMMU_ALLOC, &va) < 0) {
        FAIL("viommu-alloc", "IOMMU_VIOMMU_ALLOC (ARM_SMMUV3) on S2 HWPT"
             " %u: %s (the driver needs S1P+S2P and S2FWB or CANWBS)", s2,
             strerror(errno));
        return;
    }
    PASS("viommu-alloc", "vIOMMU %u over S2 parent %u", va.out_viommu_id,
         s2);

    begin();
    vd.viommu_id = va.out_viommu_id;
    vd.dev_id = dev_id;
    vd.virt_id = VSID;
    r = ioctl(iommufd, IOMMU_VDEVICE_ALLOC, &vd);
    CHECK("vdevice-alloc", r == 0, "vDEVICE vSID 0x%x: %s", VSID,
          r ? strerror(errno) : "ok");

    begin();
    vq.viommu_id = va.out_viommu_id;
    vq.type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
    vq.veventq_depth = 16;
    r = ioctl(iommufd, IOMMU_VEVENTQ_ALLOC, &vq);
    veventq = r == 0 ? (int)vq.out_veventq_fd : -1;
    CHECK("veventq-alloc", r == 0, "vEVENTQ depth 16: %s",
          r ? strerror(errno) : "ok");

    /* The exerciser's stage 1: CD + set A (VA_S1 -> page 0, +1 -> 1). */
    s1_tables(1, set_a, 2);
    s1_tables(4, set_b, 2);
    s1_cd(1);

    begin();
    vste(ste, STE_CFG_ABORT);
    r = hwpt_alloc(va.out_viommu_id, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, ste,
                   sizeof(ste), &n_abort);
    vste(ste, STE_CFG_BYPASS);
    r |= hwpt_alloc(va.out_viommu_id, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, ste,
                    sizeof(ste), &n_bypass);
    vste(ste, STE_CFG_S1);
    r |= hwpt_alloc(va.out_viommu_id, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, ste,
                    sizeof(ste), &n_s1);
    if (r) {
        FAIL("nested-alloc", "nested HWPTs abort %u bypass %u s1 %u: %s",
             n_abort, n_bypass, n_s1, strerror(errno));
        goto out;
    }
    PASS("nested-alloc", "nested HWPTs: abort %u, bypass %u, s1 %u"
         " (CD at IPA 0x%llx, ASID 0x%x)", n_abort, n_bypass, n_s1,
         (unsigned long long)tipa(0), S1_ASID);

    /* s2 parent -> nested abort -> bypass -> s1 -> bypass -> abort -> s1 */
    if (!go("replace-s2-nested-abort", n_abort, "nested abort")) {
        dma_check("dma-nested-abort", 0, IOVA_A, 0, IOVA_A + PAGE, 1);
    }
    if (!go("replace-abort-bypass", n_bypass, "nested bypass")) {
        dma_check("dma-nested-bypass", 1, IOVA_A, 0, IOVA_A + PAGE, 1);
    }
    if (!go("replace-bypass-s1", n_s1, "nested s1")) {
        dma_check("dma-nested-s1", 1, VA_S1, 0, VA_S1 + PAGE, 1);
    }

    /* A stage-1 fault of the nested domain reaches the vEVENTQ. */
    if (veventq >= 0) {
        char why[160];

        round_trip(VA_S1_HOLE, 0, VA_S1 + PAGE, 1, 99, why, sizeof(why));
        begin();
        r = vevent_read(veventq, evt, &seq, 3000);
        CHECK("vevent-fault", r == 0 && (evt[0] & 0xff) == EVT_F_TRANSLATION
              && (evt[0] >> 32) == VSID && (evt[2] & ~0xfffULL) ==
              VA_S1_HOLE, "%s: type 0x%llx vSID 0x%llx input 0x%llx"
              " (expected F_TRANSLATION 0x10 for vSID 0x%x at 0x%llx)",
              r ? "no vEVENT within 3 s" : "vEVENT received",
              r ? 0ULL : (unsigned long long)(evt[0] & 0xff),
              r ? 0ULL : (unsigned long long)(evt[0] >> 32),
              r ? 0ULL : (unsigned long long)evt[2], VSID,
              (unsigned long long)VA_S1_HOLE);
        while (vevent_read(veventq, evt, &seq, 100) == 0) {
            /* drain the rest (the read direction may fault too) */
        }
    }

    /* CD change (one 64-bit word: TTB0 -> set B) + CFGI_CD + TLBI_NH_ASID */
    tpage(0)[1] = tipa(4);
    __sync_synchronize();
    begin();
    cmds[0][0] = CMD_CFGI_CD | ((uint64_t)VSID << 32);
    cmds[0][1] = 1;                                 /* Leaf */
    cmds[1][0] = CMD_TLBI_NH_ASID | ((uint64_t)S1_ASID << 48);
    cmds[1][1] = 0;
    r = viommu_invalidate(va.out_viommu_id, cmds, 2, &done);
    CHECK("inv-cfgi-cd", r == 0 && done == 2, "CD.TTB0 -> table set B,"
          " CFGI_CD(vSID 0x%x, SSID 0) + TLBI_NH_ASID(0x%x) via the vIOMMU:"
          " %s, %u handled", VSID, S1_ASID, r ? strerror(errno) : "ok",
          done);
    dma_check("dma-after-cfgi-cd", 1, VA_S1, 6, VA_S1 + PAGE, 1);

    /* Page-table change (VA_S1 -> page 7) + TLBI_NH_VA */
    tpage(6)[(VA_S1 >> 12) & 511] = (IOVA_A + 7 * PAGE) | PTE_PAGE;
    __sync_synchronize();
    begin();
    cmds[0][0] = CMD_TLBI_NH_VA | ((uint64_t)S1_ASID << 48);
    cmds[0][1] = VA_S1 | 1;                         /* Addr, Leaf */
    r = viommu_invalidate(va.out_viommu_id, cmds, 1, &done);
    CHECK("inv-tlbi-nh-va", r == 0 && done == 1, "L3[VA_S1] -> page 7,"
          " TLBI_NH_VA(ASID 0x%x, 0x%llx) via the vIOMMU: %s", S1_ASID,
          (unsigned long long)VA_S1, r ? strerror(errno) : "ok");
    dma_check("dma-after-tlbi-nh-va", 1, VA_S1, 7, VA_S1 + PAGE, 1);

    /* Other orders: s1 -> abort -> s1 -> bypass -> paging -> s1 */
    if (!go("replace-s1-nested-abort", n_abort, "nested abort")) {
        dma_check("dma-nested-abort-2", 0, VA_S1, 7, VA_S1 + PAGE, 1);
    }
    if (!go("replace-abort-s1", n_s1, "nested s1")) {
        dma_check("dma-nested-s1-2", 1, VA_S1, 7, VA_S1 + PAGE, 1);
    }
    if (!go("replace-s1-bypass", n_bypass, "nested bypass")) {
        dma_check("dma-nested-bypass-2", 1, IOVA_A, 0, IOVA_A + PAGE, 1);
    }
    if (!go("replace-bypass-paging", paging_a, "paging HWPT A")) {
        dma_check("dma-paging-after-nested", 1, IOVA_A, 0, IOVA_A + PAGE, 1);
    }
    if (!go("replace-paging-nested-s1", n_s1, "nested s1")) {
        dma_check("dma-nested-s1-3", 1, VA_S1, 7, VA_S1 + PAGE, 1);
    }
    if (!go("replace-nested-s1-s2", s2, "S2 parent")) {
        dma_check("dma-s2-after-nested", 1, IOVA_A, 0, IOVA_A + PAGE, 1);
    }
    go("replace-s2-paging", paging_a, "paging HWPT A");
out:
    destroy(n_s1);
    destroy(n_bypass);
    destroy(n_abort);
    if (veventq >= 0) {
        close(veventq);
        destroy(vq.out_veventq_id);
    }
    destroy(vd.out_vdevice_id);
    destroy(va.out_viommu_id);
}

/* ---- the PCIe test endpoint (docs/smmuv3-modern.rst) ---- */
/* The endpoint writes 256 bytes of seed's pattern to addr; its STATUS. */
static uint32_t td_write(uint64_t addr, int ssv, uint32_t ssid,
                         uint32_t seed)
{
    uint8_t pat[256];

    fill(pat, sizeof(pat), seed);
    for (unsigned i = 0; i < sizeof(pat); i += 4) {
        uint32_t w;

        memcpy(&w, pat + i, 4);
        wr32(TD_BUF + i, w);
    }
    wr32(TD_ADDR_LO, (uint32_t)addr);
    wr32(TD_ADDR_HI, addr >> 32);
    wr32(TD_LEN, sizeof(pat));
    wr32(TD_SSID, ssid);
    wr32(TD_FLAGS, TD_F_WRITE | (ssv ? TD_F_SSV : 0));
    wr32(TD_CMD, 1);
    return rd32(TD_STATUS);
}

/* Which of the n buffers received seed's pattern: index, or -1. */
static int landed(uint8_t **bufs, int n, uint32_t seed)
{
    uint8_t pat[256];

    fill(pat, sizeof(pat), seed);
    for (int i = 0; i < n; i++) {
        if (!memcmp(bufs[i], pat, sizeof(pat))) {
            return i;
        }
    }
    return -1;
}

static void td_check(const char *name, uint8_t **bufs, int ssv,
                     uint32_t ssid, int want)
{
    uint32_t st, seed = 0x7000 + nstep;
    int got;

    begin();
    for (int i = 0; i < 3; i++) {
        memset(bufs[i], 0, 256);
    }
    st = td_write(IOVA_A, ssv, ssid, seed);
    got = landed(bufs, 3, seed);
    CHECK(name, got == want && (want < 0 ? st != 0 : st == 0),
          "write to IOVA 0x%llx %s: status %u, landed in %s (expected %s)",
          (unsigned long long)IOVA_A, ssv ? "with PASID 1" : "without PASID",
          st, got < 0 ? "no buffer" : got == 0 ? "the RID's buffer" :
          got == 1 ? "IOAS 2's buffer" : "IOAS 3's buffer",
          want < 0 ? "a fault, nothing landed" : want == 0 ?
          "the RID's buffer" : want == 1 ? "IOAS 2's buffer" :
          "IOAS 3's buffer");
}

static int pasid_device(const char *bdf)
{
    struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
    struct vfio_region_info bar = { .argsz = sizeof(bar) };
    struct vfio_region_info cfg = { .argsz = sizeof(cfg) };
    struct iommu_hw_info hi = { .size = sizeof(hi) };
    struct vfio_device_attach_iommufd_pt at = {
        .argsz = sizeof(at), .flags = VFIO_DEVICE_ATTACH_PASID, .pasid = 1,
    };
    struct vfio_device_detach_iommufd_pt dt = {
        .argsz = sizeof(dt), .flags = VFIO_DEVICE_DETACH_PASID, .pasid = 1,
    };
    uint32_t ioas[3] = { 0 }, hw[3] = { 0 };
    uint8_t *bufs[3];
    uint16_t cmd;
    int r = 0;

    begin();
    iommufd = open("/dev/iommu", O_RDWR);
    devfd = open_cdev(bdf);
    bind.iommufd = iommufd;
    if (iommufd < 0 || devfd < 0 ||
        ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
        FAIL("pdev-bind", "iommufd bind of %s: %s", bdf, strerror(errno));
        return 1;
    }
    dev_id = bind.out_devid;
    hi.dev_id = dev_id;
    ioctl(iommufd, IOMMU_GET_HW_INFO, &hi);
    PASS("pdev-bind", "%s bound, max_pasid_log2=%u", bdf,
         hi.out_max_pasid_log2);
    bar.index = VFIO_PCI_BAR0_REGION_INDEX;
    cfg.index = VFIO_PCI_CONFIG_REGION_INDEX;
    if (ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &bar) < 0 ||
        ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0) {
        FAIL("pdev-regions", "region info: %s", strerror(errno));
        return 1;
    }
    bar0 = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, devfd,
                bar.offset);
    if (bar0 == MAP_FAILED ||
        pread(devfd, &cmd, 2, cfg.offset + PCI_COMMAND) != 2) {
        FAIL("pdev-regions", "BAR0/config: %s", strerror(errno));
        return 1;
    }
    cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    if (pwrite(devfd, &cmd, 2, cfg.offset + PCI_COMMAND) != 2 ||
        rd32(TD_ID) != 0x534d5444) {
        FAIL("pdev-regions", "not the test endpoint (id 0x%x)", rd32(TD_ID));
        return 1;
    }
    begin();
    for (int i = 0; i < 3; i++) {
        struct iommu_ioas_alloc ia = { .size = sizeof(ia) };

        bufs[i] = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (bufs[i] == MAP_FAILED) {
            FAIL("pdev-ioas", "out of memory");
            return 1;
        }
        memset(bufs[i], 0, PAGE);
        r |= ioctl(iommufd, IOMMU_IOAS_ALLOC, &ia);
        ioas[i] = ia.out_ioas_id;
        r |= ioas_map(ioas[i], bufs[i], IOVA_A, PAGE);
        r |= hwpt_alloc(ioas[i], IOMMU_HWPT_ALLOC_PASID,
                        IOMMU_HWPT_DATA_NONE, NULL, 0, &hw[i]);
    }
    CHECK("pdev-ioas", r == 0, "3 IOASes, each mapping IOVA 0x%llx to its"
          " own page, a PASID-capable HWPT on each (%u %u %u): %s",
          (unsigned long long)IOVA_A, hw[0], hw[1], hw[2],
          r ? strerror(errno) : "ok");
    if (r) {
        return 1;
    }
    if (go("pdev-attach-rid", hw[0], "PASID-capable paging HWPT")) {
        return 1;
    }
    td_check("pdev-dma-rid", bufs, 0, 0, 0);
    td_check("pdev-dma-pasid-unattached", bufs, 1, 1, -1);
    begin();
    at.pt_id = hw[1];
    r = ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
    CHECK("pdev-pasid-attach", r == 0, "PASID 1 -> HWPT %u (IOAS 2): %s",
          hw[1], r ? strerror(errno) : "ok");
    td_check("pdev-dma-pasid", bufs, 1, 1, 1);
    td_check("pdev-dma-rid-2", bufs, 0, 0, 0);
    begin();
    at.pt_id = hw[2];
    r = ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
    CHECK("pdev-pasid-replace", r == 0, "PASID 1 -> HWPT %u (IOAS 3): %s",
          hw[2], r ? strerror(errno) : "ok");
    td_check("pdev-dma-pasid-replaced", bufs, 1, 1, 2);
    begin();
    r = ioctl(devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt);
    CHECK("pdev-pasid-detach", r == 0, "PASID 1 detached: %s",
          r ? strerror(errno) : "ok");
    td_check("pdev-dma-pasid-detached", bufs, 1, 1, -1);
    td_check("pdev-dma-rid-3", bufs, 0, 0, 0);
    begin();
    r = detach();
    CHECK("pdev-detach", r == 0, "RID detached (BLOCKED): %s",
          r ? strerror(errno) : "ok");
    td_check("pdev-dma-blocked", bufs, 0, 0, -1);
    for (int i = 2; i >= 0; i--) {
        destroy(hw[i]);
        destroy(ioas[i]);
    }
    close(devfd);
    close(iommufd);
    printf("SMMUM-IOMMUFD %llu %.6f end %d failures\n",
           (unsigned long long)vcnt(), uptime(), failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    uint32_t want[6], ioas = 0, pa = 0, pb = 0, s2 = 0;
    int have_idr = 0, r;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "--pasid")) {
        return pasid_device(argv[2]);
    }
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s BDF [IDR0,...,IDR5] | --pasid BDF\n",
                argv[0]);
        return 2;
    }
    if (argc == 3) {
        have_idr = sscanf(argv[2], "%x,%x,%x,%x,%x,%x", &want[0], &want[1],
                          &want[2], &want[3], &want[4], &want[5]) == 6;
        if (!have_idr) {
            fprintf(stderr, "%s: IDR list must be 6 hex words\n", argv[0]);
            return 2;
        }
    }
    if (setup(argv[1], &ioas, have_idr ? want : NULL)) {
        return 1;
    }

    /* BLOCKED right after bind: nothing may get through. */
    dma_check("dma-blocked-bind", 0, IOVA_A, 0, IOVA_A + PAGE, 1);

    begin();
    r = hwpt_alloc(ioas, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &pa);
    r |= hwpt_alloc(ioas, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &pb);
    CHECK("paging-alloc", r == 0, "paging HWPTs A %u, B %u: %s", pa, pb,
          r ? strerror(errno) : "ok");
    if (r || go("attach-paging-a", pa, "paging HWPT A")) {
        return 1;
    }
    dma_check("dma-paging-a", 1, IOVA_A, 0, IOVA_A + PAGE, 1);
    if (!go("replace-paging-a-b", pb, "paging HWPT B")) {
        dma_check("dma-paging-b", 1, IOVA_A + 2 * PAGE, 2,
                  IOVA_A + 4 * PAGE, 4);
    }
    if (!go("replace-paging-b-a", pa, "paging HWPT A")) {
        dma_check("dma-paging-a-2", 1, IOVA_A, 0, IOVA_A + PAGE, 1);
    }

    dirty_steps(ioas, pa);

    begin();
    if (hwpt_alloc(ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_DATA_NONE,
                   NULL, 0, &s2) < 0) {
        FAIL("nest-parent-alloc", "HWPT_ALLOC NEST_PARENT: %s (needs"
             " IDR0.S1P and S2P)", strerror(errno));
    } else {
        PASS("nest-parent-alloc", "S2 parent HWPT %u", s2);
        if (!go("replace-paging-s2", s2, "S2 parent (plain stage 2)")) {
            dma_check("dma-s2", 1, IOVA_A, 0, IOVA_A + PAGE, 1);
            nested_steps(s2, pa);
        }
    }

    begin();
    r = detach();
    CHECK("detach-blocked", r == 0, "detach from paging HWPT A: %s",
          r ? strerror(errno) : "ok (device is on the BLOCKED domain)");
    dma_check("dma-blocked-detach", 0, IOVA_A, 0, IOVA_A + PAGE, 1);
    if (!go("attach-after-detach", pa, "paging HWPT A")) {
        dma_check("dma-paging-reattach", 1, IOVA_A, 0, IOVA_A + PAGE, 1);
        begin();
        r = detach();
        CHECK("detach-blocked-2", r == 0, "detach again: %s",
              r ? strerror(errno) : "ok");
    }

    pasid_steps(ioas);

    destroy(s2);
    destroy(pb);
    destroy(pa);
    destroy(ioas);
    close(devfd);
    close(iommufd);
    printf("SMMUM-IOMMUFD %llu %.6f end %d failures\n",
           (unsigned long long)vcnt(), uptime(), failures);
    return failures ? 1 : 0;
}
