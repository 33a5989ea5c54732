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
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from tlgdb import state, window  # noqa: E402

state.register()
window.register()
print("tlbrace: tl-tasks, tl-cr3, tl-window [stale|preempt|all|off], tl-serial [N]; `help tl-window`")
