#!/usr/bin/env python3
"""measure.py CMD...: run CMD, print "SECONDS PEAK_KB" on stderr's last line.

PEAK_KB is the peak of the summed RSS of CMD's whole process tree, sampled
every 10 ms from /proc (bento's unpack workers, podman's and skopeo's
helpers all count)."""
import os
import subprocess
import sys
import time


def tree_rss(root):
    children, rss = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(pid))
        rss[int(pid)] = pages * 4
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


start = time.monotonic()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
peak = 0
while proc.poll() is None:
    peak = max(peak, tree_rss(proc.pid))
    time.sleep(0.01)
elapsed = time.monotonic() - start
print("%.3f %d" % (elapsed, peak), file=sys.stderr)
sys.exit(proc.returncode)
