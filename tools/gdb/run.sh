#!/usr/bin/env bash
# tools/gdb/run.sh — QEMU halted with its gdb stub, and gdb attached to it.
# make gdb / gdb-record / gdb-replay call this (tools/gdb/gdb.mk).
#
#   run.sh live   ARCH [WORDS...]     boot the kernel with WORDS, halted; attach gdb
#   run.sh record ARCH RR [WORDS...]  record a stress run into RR, for replay
#   run.sh replay ARCH RR [WORDS...]  replay RR; attach gdb (reverse-stepi works
#                                     if RR was made by `run.sh record`)
#
# QEMU runs in the background: its serial console goes to a file (gdb
# owns the terminal; read it with tl-serial in gdb), and it is killed when
# gdb exits. Environment:
#   GDB                 gdb to run (default gdb)
#   GDBPORT             gdb stub port (default 1234, qemu.sh --gdb's)
#   GDB_FLAGS           extra gdb options placed first (e.g. -nx)
#   GDB_ARGS            extra gdb options placed last (e.g. -batch -x script)
#   TLBRACE_SERIAL_LOG  where the serial output goes (default build/ARCH/gdb-serial.log)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
die() { echo "tools/gdb/run.sh: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: run.sh live|record|replay ARCH [RR] [WORDS...]"
mode=$1 arch=$2; shift 2
case "$arch" in 386|amd64) ;; *) die "unknown architecture '$arch' (valid: 386, amd64)" ;; esac
rr=""
if [ "$mode" != live ]; then
  [ $# -ge 1 ] || die "$mode needs a recording file (make gdb-$mode RR=build/race.rr)"
  rr=$1; shift
fi
port=${GDBPORT:-1234}
elf=$root/build/$arch/kernel.elf
initrd=$root/build/$arch/initrd.cpio
log=${TLBRACE_SERIAL_LOG:-$root/build/$arch/gdb-serial.log}

# Time under gdb. -icount makes time count instructions, so that a timer
# can land between two adjacent instructions (the race window). A fixed
# shift (2: 4 ns per instruction) makes a run repeatable for a given seed.
# And sleep=on (QEMU's default): qemu.sh's --icount/--shift pass sleep=off,
# which jumps the clock to the next timer whenever the CPU looks idle — as
# it does each time gdb stops it, so every breakpoint would fire the timer.
live_icount=(-q -icount -q shift=2)

# A recording made here carries everything its replay needs beside it:
#   RR.meta     line 1 the architecture, line 2 the kernel words
#   RR.elf      the kernel that ran (symbols and code must match the log)
#   RR.initrd   its initramfs
#   RR.qcow2    an empty disk image holding QEMU's snapshot "init", taken
#               at the start: reverse-stepi / reverse-continue load it and
#               replay forward (QEMU docs/system/replay.rst)
# The snapshot needs rrsnapshot= in -icount; qemu.sh builds -icount itself,
# but QEMU merges repeated -icount options, so -q adds it. -net none: with
# the default NIC a replay that loads a snapshot never starts (QEMU 7.2).
snapshot_args() { echo "-q -icount -q rrsnapshot=init -q -drive -q file=$1,if=none,id=rr -q -net -q none"; }

if [ "$mode" = record ]; then
  [ -f "$elf" ] || die "no kernel at $elf (run: make build ARCH=$arch)"
  rm -f "$rr" "$rr.qcow2"
  snap=()
  if command -v qemu-img >/dev/null; then
    qemu-img create -q -f qcow2 "$rr.qcow2" 1M
    read -ra snap <<<"$(snapshot_args "$rr.qcow2")"
  else
    echo "run.sh: no qemu-img (apt-get install qemu-utils): recording without a snapshot, so no reverse execution" >&2
  fi
  cp "$elf" "$rr.elf"
  files=(-k "$rr.elf")
  if [ -f "$initrd" ]; then cp "$initrd" "$rr.initrd"; files+=(-i "$rr.initrd"); fi
  printf '%s\n%s\n' "$arch" "$*" >"$rr.meta"
  echo "recording into $rr (serial below)"
  status=0
  "$root/qemu.sh" stress -a "$arch" "${files[@]}" ${snap[@]+"${snap[@]}"} \
    --record "$rr" -- "$@" </dev/null || status=$?
  echo "recorded $rr (QEMU status $status); replay it under gdb: make gdb-replay RR=$rr"
  exit 0
fi

qemu_args=(-a "$arch")
if [ "$mode" = replay ]; then
  [ -f "$rr" ] || die "no recording at $rr (make gdb-record RR=$rr)"
  if [ -f "$rr.meta" ]; then
    { read -r arch; read -r words; } <"$rr.meta"
    read -ra w <<<"$words"
    set -- ${w[@]+"${w[@]}"}
    elf=$rr.elf
    qemu_args=(-a "$arch" -k "$elf")
    [ ! -f "$rr.initrd" ] || qemu_args+=(-i "$rr.initrd")
    [ ! -f "$rr.qcow2" ] || read -ra snap <<<"$(snapshot_args "$rr.qcow2")"
    qemu_args+=(${snap[@]+"${snap[@]}"})
    echo "replaying $rr: $arch, kernel words: $*"
  else
    echo "replaying $rr, not made by make gdb-record: it needs this very kernel ($elf)" \
      "and the words it was recorded with (now: $*); no snapshot, so no reverse execution" >&2
  fi
  qemu_args=(stress "${qemu_args[@]}" --replay "$rr")
else
  qemu_args+=("${live_icount[@]}")
fi
[ -f "$elf" ] || die "no kernel at $elf (run: make build ARCH=$arch)"
command -v "${GDB:-gdb}" >/dev/null || die "no ${GDB:-gdb} (apt-get install gdb)"

# qemu.sh --gdb listens on tcp::1234; another port goes through -q.
if [ "$port" = 1234 ]; then
  qemu_args+=(--gdb)
else
  qemu_args+=(-q -S -q -gdb -q "tcp:127.0.0.1:$port")
fi

# Ctrl-C in gdb must reach gdb alone (it stops the guest): QEMU runs in a
# session of its own (it would die of SIGINT, ignored or not), and with a
# terminal, job control runs gdb in a process group of its own, so that
# make and this script do not see the Ctrl-C either.
mkdir -p "$(dirname "$log")"
setsid "$root/qemu.sh" "${qemu_args[@]}" -- "$@" </dev/null >"$log" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT
trap 'exit 143' TERM HUP # exit through the EXIT trap
sleep 0.3
kill -0 $qemu 2>/dev/null || { cat "$log" >&2; die "QEMU exited at once (is port $port in use? try GDBPORT=...)"; }
[ ! -t 0 ] || set -m

# gdb's architecture: i386 for the 386 kernel; i386:x86-64 for amd64, even
# though that kernel starts in 32-bit mode (Multiboot) and switches to long
# mode in its trampoline: qemu-system-x86_64's stub describes its CPU as
# i386:x86-64 in every mode (64-bit registers, as in its target.xml), and
# gdb refuses `set architecture i386` against it ("not compatible with
# reported target architecture"). Only the few 32-bit trampoline
# instructions then disassemble wrongly; all Go code is 64-bit.
gdbarch=i386
[ "$arch" = 386 ] || gdbarch=i386:x86-64

# auto-load off: the ELF names the Go runtime's gdb helpers
# ($GOROOT/src/runtime/runtime-gdb.py), which list goroutines of a Go
# runtime this kernel does not have.
echo "QEMU (pid $qemu) is halted with its gdb stub on port $port; serial output: $log"
export TLBRACE_SERIAL_LOG=$log
status=0
# shellcheck disable=SC2086 # GDB_FLAGS and GDB_ARGS are word lists
"${GDB:-gdb}" -q ${GDB_FLAGS:-} \
  -iex "set auto-load python-scripts off" \
  -ex "set confirm off" \
  -ex "file $elf" \
  -ex "set architecture $gdbarch" \
  -ex "source $here/tlbrace-gdb.py" \
  -ex "set tcp connect-timeout 15" \
  -ex "target remote 127.0.0.1:$port" \
  ${GDB_ARGS:-} || status=$?
exit $status
