# tools/gdb/gdb.mk — gdb on the kernel under QEMU (tools/gdb/README.md).
# Include it from the top-level Makefile, after ARCH and GO:
#
#   include tools/gdb/gdb.mk
#
#   make gdb [ARCH=386|amd64] [CMDLINE="..."]     boot halted, attach gdb
#   make gdb-record RR=build/race.rr [ARCH=...] [CMDLINE="flush=racy seed=2"]
#                                                  record a stress run
#   make gdb-replay RR=build/race.rr                     attach gdb to its replay
#                                                  (reverse-stepi works)
#
# QEMU runs in the background with its serial output in
# build/ARCH/gdb-serial.log (tl-serial in gdb shows it); quitting gdb
# kills it. GDB=... picks another gdb, GDBPORT=... another stub port.

# Keep whatever default goal the including Makefile has.
gdb_saved_goal := $(.DEFAULT_GOAL)

GDB ?= gdb
GDBPORT ?= 1234

# The defaults: the racy stress run of README.md (two user tasks, four
# lazy-TLB kernel threads, a 10 kHz shuffled scheduler). CMDLINE, when
# given on the command line or in the environment, replaces them; the
# top-level CMDLINE default (the demo) is not meant for these targets.
GDB_CMDLINE ?= workload=stress hz=10000 sched=shuffle lockup=4 users=2 kthreads=4 flush=racy seed=3 steer=off
GDB_RR_CMDLINE ?= flush=racy seed=2
gdb_cmdline = $(if $(filter command line environment environment override,$(origin CMDLINE)),$(CMDLINE),$(1))
gdb_env = GDB='$(GDB)' GDBPORT='$(GDBPORT)'

.PHONY: gdb gdb-record gdb-replay
gdb: deps build
	@$(gdb_env) tools/gdb/run.sh live $(ARCH) $(call gdb_cmdline,$(GDB_CMDLINE))

# Recording runs `qemu.sh stress`: its stress words come first, CMDLINE's
# are added (flush=, seed=, ...).
gdb-record: deps build
	@test -n "$(RR)" || { echo "usage: make gdb-record RR=build/race.rr [ARCH=386|amd64] [CMDLINE='flush=racy seed=2']" >&2; exit 2; }
	@tools/gdb/run.sh record $(ARCH) $(RR) $(call gdb_cmdline,$(GDB_RR_CMDLINE))

# A recording from gdb-record carries its arch, words and kernel; one
# made by `./qemu.sh stress --record` needs ARCH and CMDLINE as recorded.
gdb-replay:
	@test -n "$(RR)" || { echo "usage: make gdb-replay RR=build/race.rr" >&2; exit 2; }
	@$(gdb_env) tools/gdb/run.sh replay $(ARCH) $(RR) $(call gdb_cmdline,$(GDB_RR_CMDLINE))

.DEFAULT_GOAL := $(gdb_saved_goal)
