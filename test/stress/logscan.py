#!/usr/bin/env python3
"""test/stress/logscan.py LOG OFFSET [APP]: read the server log from byte
OFFSET (log_line_prefix '%m [%p] %e %a: ') and print one JSON object:

  errors       ERROR/FATAL lines of application APP, by SQLSTATE
  internal     up to 5 distinct messages of internal errors (class XX)
  rowclone     those raised inside a rowclone call (a CONTEXT line naming
               a rcw.* wrapper, a clone_* function or "while cloning/copying"),
               by SQLSTATE, with one sample message each
  crashes      backend crashes anywhere in the segment ("terminated by
               signal", "exited with exit code", PANIC, assertion TRAP), each
               with the query the postmaster says the process was running
"""
import collections
import json
import re
import sys

LINE = re.compile(r'^(\S+ \S+ \S+) \[(\d+)\] (\w{5}) (.*?): ?'
                  r'(ERROR|FATAL|PANIC|LOG|WARNING|DETAIL|HINT|CONTEXT|STATEMENT|NOTICE|INFO|DEBUG\d?):  (.*)$')
CRASH = re.compile(r'terminated by signal|exited with exit code|terminated by exception|'
                   r'was terminated by|TRAP:')
OURS = re.compile(r'rcw\.clone|clone_row|clone_rows|clone_graph|clone_plan|while cloning|while copying')


def main():
    path, offset = sys.argv[1], int(sys.argv[2])
    app = sys.argv[3] if len(sys.argv) > 3 else None
    errors = collections.Counter()
    ours = collections.Counter()
    samples = {}
    crashes = []
    internal = []           # messages of internal errors (SQLSTATE class XX)
    last_error = {}         # pid -> (sqlstate, message) of the last error not yet attributed
    current = None          # a crash record collecting its DETAIL continuation lines
    with open(path, 'rb') as f:
        f.seek(offset)
        data = f.read().decode('utf-8', 'replace')
    for raw in data.splitlines():
        m = LINE.match(raw)
        if not m:
            if current is not None and len(current['query']) < 4000:
                current['query'] += '\n' + raw
            elif 'TRAP:' in raw:
                crashes.append({'line': raw, 'query': ''})
            continue
        _, pid, code, a, level, msg = m.groups()
        if current is not None and not (level == 'DETAIL' and msg.startswith('Failed process was running')):
            current = None
        if level == 'PANIC' or (level == 'LOG' and CRASH.search(msg)):
            crashes.append({'line': raw, 'query': ''})
            continue
        if level == 'DETAIL' and msg.startswith('Failed process was running') and crashes:
            crashes[-1]['query'] = msg[len('Failed process was running: '):]
            current = crashes[-1]
            continue
        if app is not None and a != app:
            continue
        if level in ('ERROR', 'FATAL'):
            errors[code] += 1
            if code.startswith('XX') and len(internal) < 5 and msg not in internal:
                internal.append(msg)
            last_error[pid] = (code, msg)
            if OURS.search(msg):
                ours[code] += 1
                samples.setdefault(code, msg)
                last_error.pop(pid)
        elif level == 'CONTEXT' and pid in last_error and OURS.search(msg):
            code, emsg = last_error.pop(pid)
            ours[code] += 1
            samples.setdefault(code, emsg)
    out = {
        'errors': dict(sorted(errors.items())),
        'error_classes': dict(sorted(collections.Counter(k[:2] for k in errors.elements()).items())),
        'rowclone': dict(sorted(ours.items())),
        'rowclone_samples': samples,
        'crashes': crashes,
        'internal': internal,
    }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
