#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write one LAVA job per matrix cell from lava/smmuv3-modern-cell.yaml.

    gen-jobs.py --out DIR --storage URL [--kernel LABEL=IMAGE_NAME]...
                [--modes "DMA DMA-FQ identity"] [--checks "sync store"]
                [--qemu-image IMAGE] [--repo URL] [--branch NAME]
                [--vda-sum SHA256 --nvme-sum SHA256]

For each kernel LABEL (default: bookworm-6.1, trixie-6.12, sid-7.2 with
Debian's image names), mode and check a job <LABEL>-<mode>-<check>.yaml
is written: kernel at URL/LABEL/IMAGE_NAME, initramfs at
URL/LABEL/initramfs.cpio.gz, disks at URL/disks/{vda,nvme}.img; the
mode's kernel argument and the check's tear-check on the command line.
The disk sums default to the ones of the disks scripts/guest-run.sh
makes (read from the cache when present).  Needs python3-yaml.
"""
import argparse
import copy
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, 'smmuv3-modern-cell.yaml')
DEBIAN = {
    'bookworm-6.1': 'vmlinuz-6.1.0-50-arm64',
    'trixie-6.12': 'vmlinuz-6.12.117+deb13-arm64',
    'sid-7.2': 'vmlinuz-7.2.13+deb14-arm64',
}
MODE_ARGS = {'DMA': 'iommu.strict=1', 'DMA-FQ': 'iommu.strict=0',
             'identity': 'iommu.passthrough=1', 'default': ''}
MODE_RE = re.compile(r'\s*(iommu\.strict=\d|iommu\.passthrough=\d)')


def cache_sum(name):
    cache = os.environ.get('SMMU_CACHE') or os.path.join(
        os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
        'smmuv3-modern')
    path = os.path.join(cache, 'guest-disks', 'v1-4-8', name + '.sum')
    try:
        return open(path).read().strip()
    except OSError:
        return None


def job_for(tmpl, a, label, image, mode, check):
    job = copy.deepcopy(tmpl)
    cell = f'{label}-{mode}-{check}'
    job['job_name'] = f'smmuv3-modern {label} {mode} {check}'
    job['metadata'] = {'smmuv3-modern.kernel': label,
                       'smmuv3-modern.mode': mode,
                       'smmuv3-modern.check': check}
    opts = job['context']['extra_options']
    job['context']['extra_options'] = [
        f'-global arm-smmuv3-modern.tear-check={check}'
        if o.startswith('-global arm-smmuv3-modern.tear-check=') else o
        for o in opts]
    for act in job['actions']:
        if 'deploy' in act:
            imgs = act['deploy']['images']
            imgs['kernel']['url'] = f'{a.storage}/{label}/{image}'
            arg = MODE_RE.sub('', imgs['kernel']['image_arg'])
            arg = re.sub(r'smmum\.vda=\S+', f'smmum.vda={a.vda_sum}', arg)
            arg = re.sub(r'smmum\.nvme=\S+', f'smmum.nvme={a.nvme_sum}', arg)
            extra = MODE_ARGS[mode]
            imgs['kernel']['image_arg'] = (
                arg[:-1] + (' ' + extra if extra else '') + '"')
            imgs['ramdisk']['url'] = f'{a.storage}/{label}/initramfs.cpio.gz'
            imgs['vda']['url'] = f'{a.storage}/disks/vda.img'
            imgs['nvme']['url'] = f'{a.storage}/disks/nvme.img'
        if 'boot' in act and a.qemu_image:
            act['boot']['docker']['image'] = a.qemu_image
        if 'test' in act:
            for d in act['test']['definitions']:
                if a.repo:
                    d['repository'] = a.repo
                d['branch'] = a.branch
    return cell, job


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--storage', required=True,
                    help='base URL the lab serves kernels and disks from')
    ap.add_argument('--kernel', action='append', default=[],
                    metavar='LABEL=IMAGE_NAME')
    ap.add_argument('--modes', default='DMA DMA-FQ identity')
    ap.add_argument('--checks', default='sync store')
    ap.add_argument('--qemu-image')
    ap.add_argument('--repo')
    ap.add_argument('--branch', default='main')
    ap.add_argument('--vda-sum', default=cache_sum('vda'))
    ap.add_argument('--nvme-sum', default=cache_sum('nvme'))
    a = ap.parse_args()
    a.storage = a.storage.rstrip('/')
    tmpl = yaml.safe_load(open(TEMPLATE))
    if not a.vda_sum or not a.nvme_sum:
        # The disks' content is fixed by scripts/guest-run.sh.
        arg = tmpl['actions'][0]['deploy']['images']['kernel']['image_arg']
        a.vda_sum = a.vda_sum or re.search(r'smmum\.vda=(\S+)', arg)[1]
        a.nvme_sum = a.nvme_sum or re.search(r'smmum\.nvme=(\S+)', arg)[1]
    kernels = dict(k.split('=', 1) for k in a.kernel) if a.kernel else DEBIAN
    for m in a.modes.split():
        if m not in MODE_ARGS:
            sys.exit(f'gen-jobs: unknown mode {m}')
    for c in a.checks.split():
        if c not in ('sync', 'store'):
            sys.exit(f'gen-jobs: unknown check {c}')
    os.makedirs(a.out, exist_ok=True)
    n = 0
    for label, image in kernels.items():
        for m in a.modes.split():
            for c in a.checks.split():
                cell, job = job_for(tmpl, a, label, image, m, c)
                with open(os.path.join(a.out, cell + '.yaml'), 'w') as f:
                    f.write('# Generated by lava/gen-jobs.py from '
                            'lava/smmuv3-modern-cell.yaml\n')
                    yaml.safe_dump(job, f, sort_keys=False, width=1000)
                n += 1
    print(f'{n} jobs in {a.out}')


if __name__ == '__main__':
    main()
