// Package gdbtest tests the gdb integration in this directory: run.sh
// (QEMU halted with its gdb stub, gdb attached), tlbrace-gdb.py and the
// tlgdb package (the tl-tasks, tl-cr3 and tl-window commands). The tests
// drive gdb in batch mode against both kernels; see README.md for using
// it by hand.
package gdbtest
