# tlbrace-gdb.py — gdb commands for watching the __flush_tlb() race.
#
# In gdb: `source tools/gdb/tlbrace-gdb.py` (make gdb does it). It adds
#
#   tl-tasks         every live task: state, mm, active_mm, preempt count
#   tl-cr3           CR3 beside what the scheduler believes it holds
#   tl-window [MODE] breakpoints on the flush's race window (help tl-window)
#   tl-serial [N]    the last N lines the kernel printed (make gdb only)
#
# The code is in the tlgdb package beside this file.

import os
import subprocess
import sys

import gdb

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from tlgdb import state, window  # noqa: E402

# The kernel is built with -trimpath, so its DWARF names sources relative
# to nothing: tlbrace/kernel/mm/tlb.go for this module, runtime/proc.go
# for the Go distribution's. Map the module path to this checkout (two
# levels up from here) and look the others up in $GOROOT/src.
gdb.execute("set substitute-path tlbrace %s" % os.path.dirname(os.path.dirname(here)))
try:
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True,
                            timeout=10).stdout.strip()
except (OSError, subprocess.SubprocessError):
    goroot = ""
if goroot:
    gdb.execute("directory %s" % os.path.join(goroot, "src"))

state.register()
window.register()
print("tlbrace: tl-tasks, tl-cr3, tl-window [stale|preempt|all|off], tl-serial [N]; `help tl-window`")
