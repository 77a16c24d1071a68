#!/usr/bin/env python3
"""Medians per server.transport and case over bench/run.sh result files, each naming its sluice_transport in its
meta line (bench/tools/transport-ab.sh makes them): transport_medians.py FILE.jsonl... prints a Markdown table with
every run in brackets and the second transport's median over the first's."""
import collections
import json
import statistics
import sys

CASES = ['pp-1x64', 'pp-64x64', 'pp-64x4k', 'st-16x64k', 'churn-cold', 'churn-8x64', 'idle-5000']


def metrics(case):
    if case.startswith('idle'):
        return [('KiB/session', 'pss_per_session_kib'), ('Pss after, KiB', 'pss_after_kib')]
    if case.startswith('churn'):
        return [('sessions/s', 'rate_sessions_s'), ('server CPU µs/session', 'server_cpu_us_per_session'),
                ('101 p50 µs', 'upgrade_p50_us')]
    return [('msg/s', 'rate_msgs_s'), ('server CPU µs/msg', 'server_cpu_us_per_msg'), ('p50 µs', 'p50_us')]


def shown(value):
    return '%.0f' % value if value >= 100 else '%.2f' % value


def main():
    runs = collections.defaultdict(lambda: collections.defaultdict(list))   # case -> transport -> rows
    transports = []
    for path in sys.argv[1:]:
        transport = 'auto'
        for line in open(path):
            row = json.loads(line)
            if row.get('meta'):
                transport = row.get('sluice_transport', 'auto')
                if transport not in transports:
                    transports.append(transport)
            elif row.get('server') == 'sluice' and row.get('valid', True) and 'case' in row:
                runs[row['case']][transport].append(row)
    a, b = (transports + ['-', '-'])[:2]
    print('| case | metric | %s (median; runs) | %s (median; runs) | %s ÷ %s |' % (a, b, b, a))
    print('|---|---|---|---|---|')
    for case in [c for c in CASES if c in runs]:
        for name, key in metrics(case):
            medians, cells = {}, []
            for transport in (a, b):
                values = [r[key] for r in runs[case].get(transport, []) if r.get(key) is not None]
                if values:
                    medians[transport] = statistics.median(values)
                    cells.append('%s (%s)' % (shown(medians[transport]), ', '.join(shown(v) for v in values)))
                else:
                    cells.append('-')
            ratio = '%.2f' % (medians[b] / medians[a]) if len(medians) == 2 and medians[a] else '-'
            print('| %s | %s | %s | %s | %s |' % (case, name, cells[0], cells[1], ratio))


if __name__ == '__main__':
    main()
