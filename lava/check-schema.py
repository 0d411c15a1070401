#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check LAVA job definitions and test definitions, printing TAP.

    check-schema.py [--lava-common] FILE.yaml...

Every file gets the structural check below (what LAVA needs of the
fields these jobs use: the job's required keys, one action per list
item, deploy images with URLs, the qemu boot method, git test
definitions; a test definition's metadata and run steps).  With
--lava-common the file is also validated by Debian's lava-common
(lava_common.schemas: the schema a LAVA server applies when a job is
submitted, strict mode).  Exit status 0 when every check passed.
"""
import re
import sys

import yaml

NAME_RE = re.compile(r'^[-_a-zA-Z0-9.]+$')


class Bad(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Bad(what)


def is_timeout(t):
    return (isinstance(t, dict) and len(t) >= 1 and
            any(isinstance(t.get(k), int) and t[k] >= 1
                for k in ('days', 'hours', 'minutes', 'seconds')))


def check_job(d):
    need(isinstance(d.get('job_name'), str) and 0 < len(d['job_name']) <= 200,
         'job_name: a string of 1..200 characters')
    need(isinstance(d.get('timeouts'), dict) and
         is_timeout(d['timeouts'].get('job')), 'timeouts.job is required')
    need(d.get('visibility') in ('public', 'personal') or
         isinstance(d.get('visibility'), dict), 'visibility')
    acts = d.get('actions')
    need(isinstance(acts, list) and acts, 'actions: a non-empty list')
    for i, a in enumerate(acts):
        need(isinstance(a, dict) and len(a) == 1 and
             next(iter(a)) in ('deploy', 'boot', 'test', 'command'),
             f'actions[{i}]: one of deploy, boot, test, command')
        kind, body = next(iter(a.items()))
        need(isinstance(body, dict), f'actions[{i}].{kind}: a mapping')
        if 'timeout' in body:
            need(is_timeout(body['timeout']), f'actions[{i}] timeout')
        if kind == 'deploy':
            need(body.get('to') == 'tmpfs', f'actions[{i}]: deploy to tmpfs')
            imgs = body.get('images')
            need(isinstance(imgs, dict) and imgs, f'actions[{i}]: images')
            for n, img in imgs.items():
                need(isinstance(img.get('url'), str),
                     f'actions[{i}]: image {n} needs a url')
                if 'image_arg' in img:
                    need('{%s}' % n in img['image_arg'],
                         f'actions[{i}]: image {n}: image_arg names {{{n}}}')
                if 'overlays' in img:
                    need(img.get('format') in ('cpio.newc', 'ext4', 'tar'),
                         f'actions[{i}]: image {n}: overlays need a format')
        elif kind == 'boot':
            need(body.get('method') == 'qemu', f'actions[{i}]: boot qemu')
            dk = body.get('docker')
            if dk is not None:
                need(isinstance(dk.get('image'), str),
                     f'actions[{i}]: docker.image')
            p = body.get('prompts')
            need(p is None or isinstance(p, str) or
                 (isinstance(p, list) and all(isinstance(x, str) and x
                                              for x in p)),
                 f'actions[{i}]: prompts')
        elif kind == 'test':
            defs = body.get('definitions')
            need(isinstance(defs, list) and defs,
                 f'actions[{i}]: test definitions')
            for t in defs:
                need(t.get('from') == 'git' and
                     isinstance(t.get('repository'), str) and
                     isinstance(t.get('path'), str) and
                     NAME_RE.match(str(t.get('name', ''))),
                     f'actions[{i}]: a git test definition with '
                     'repository, path and name')
    ctx = d.get('context', {})
    need(isinstance(ctx, dict), 'context: a mapping')
    for k, v in ctx.items():
        need(isinstance(v, (int, str, list)), f'context.{k}')


def check_testdef(d):
    md = d.get('metadata')
    need(isinstance(md, dict), 'metadata')
    need(md.get('format') == 'Lava-Test Test Definition 1.0',
         'metadata.format: Lava-Test Test Definition 1.0')
    need(isinstance(md.get('name'), str), 'metadata.name')
    run = d.get('run')
    need(isinstance(run, dict) and isinstance(run.get('steps'), list) and
         all(isinstance(s, str) for s in run['steps']),
         'run.steps: a list of strings')


def main(argv):
    lava = '--lava-common' in argv
    files = [a for a in argv if a != '--lava-common']
    n = bad = 0

    def tap(ok, what, why=''):
        nonlocal n, bad
        n += 1
        if not ok:
            bad += 1
            for line in str(why).splitlines():
                print(f'# {line}')
        print(f'{"ok" if ok else "not ok"} {n} - {what}')

    for path in files:
        try:
            d = yaml.safe_load(open(path))
        except (OSError, yaml.YAMLError) as e:
            tap(False, f'{path}: YAML', e)
            continue
        testdef = isinstance(d, dict) and 'actions' not in d
        try:
            (check_testdef if testdef else check_job)(d)
            tap(True, f'{path}: structure')
        except Bad as e:
            tap(False, f'{path}: structure', e)
        if lava:
            try:
                if testdef:
                    from lava_common.schemas.test import testdef as td
                    td.validate(d)
                else:
                    from lava_common.schemas import validate
                    validate(d, strict=True)
                tap(True, f'{path}: lava-common schema')
            except Exception as e:      # voluptuous.Invalid and friends
                tap(False, f'{path}: lava-common schema', e)
    print(f'1..{n}')
    return 1 if bad or not n else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
