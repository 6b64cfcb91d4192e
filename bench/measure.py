#!/usr/bin/env python3
"""measure.py CMD...: run CMD; the last line on stderr is
"SECONDS PEAK_RSS_KB PEAK_PSS_KB".

Both peaks are of sums over CMD's whole process tree (bento's unpack
workers, podman's and skopeo's helpers all count), sampled every 10 ms from
/proc.  RSS counts a page shared by several processes once per process
(forked workers share most of theirs); PSS splits it between them, so its
sum is the memory really in use."""
import os
import subprocess
import sys
import time


def tree(root):
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(pid))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def usage(pids):
    rss = pss = 0
    for p in pids:
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


start = time.monotonic()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
peak_rss = peak_pss = 0
while proc.poll() is None:
    rss, pss = usage(tree(proc.pid))
    peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
    time.sleep(0.01)
elapsed = time.monotonic() - start
print("%.3f %d %d" % (elapsed, peak_rss, peak_pss), file=sys.stderr)
sys.exit(proc.returncode)
