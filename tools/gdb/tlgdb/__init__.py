# tlgdb — gdb commands for the tlbrace kernel (see tools/gdb/README.md).
#   kernel.py  reading tasks, mms, CR3 from the kernel's DWARF
#   state.py   tl-tasks, tl-cr3, tl-serial
#   window.py  tl-window
