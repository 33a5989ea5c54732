#!/usr/bin/env bash
# qemu.sh — the one place that knows how tlbrace boots under QEMU.
#
# Both `make qemu` and the Go harness (tools/qemu) run the kernel through
# this script, so the QEMU flags live here and nowhere else.
#
#   ./qemu.sh [options] [--] [kernel command-line words...]
#   ./qemu.sh stress [options] [--] [more kernel words...]
#
# "stress" runs the lockup reproducer the way the harness does: -icount
# (the only mode in which a timer lands inside a one-instruction window)
# with the kernel word "workload=stress" before yours; the kernel owns the
# workload's other defaults (e.g. ./qemu.sh stress -a 386 -- flush=racy seed=7).
#
# Instruction counting runs at a fixed shift (STRESS_SHIFT below: 2^shift
# ns of guest time per instruction), so a run is a pure function of its
# seed and of the kernel: the same ticks to detection and the same trace on
# any machine, loaded or not. `--shift auto` asks for QEMU's adaptive
# shift by name; it follows the host's speed, so results then depend on
# host load (a loaded host shortens each tick in instructions until the
# timer handler and the switches eat it: the tasks starve).
#
#   -a ARCH         386 or amd64 (default: $ARCH, else amd64)
#   -k KERNEL       kernel ELF (default: build/ARCH/kernel.elf)
#   -i INITRD       initramfs passed with -initrd (default: build/ARCH/initrd.cpio if present)
#   -m MEM          guest RAM (default: 32M)
#   --cpu MODEL     CPU model (default: qemu32 on 386, qemu64 on amd64), with
#                   the feature flags the kernel needs added (386:
#                   +sse,+sse2,+pge,+apic; amd64: +pge,+apic), e.g. --cpu
#                   Skylake-Client, EPYC, core2duo, pentium3 (386 only: no
#                   long mode); `-q -cpu -q MODEL` instead takes MODEL as is
#   --smp N         N processors, 1..4 (default: 1; the kernel starts them
#                   all unless maxcpus= says fewer, and prints "cpus: N online")
#   --icount        instruction-counted time at the fixed stress shift
#                   (-icount shift=STRESS_SHIFT,sleep=off): the only mode in which
#                   a timer can land inside a one-instruction window
#                   (docs/qemu-and-the-window.md)
#   --evidence      -icount at the evidence shift (EVIDENCE_SHIFT below): the
#                   most timer interrupts inside flush windows per wall
#                   second, for runs that prove a fix holds rather than
#                   time a race (docs/performance.md); one CPU only
#   --shift N|auto  -icount with shift N (0..10), or QEMU's adaptive shift by name
#   --record FILE   record the run for replay (implies --icount)
#   --replay FILE   replay a recorded run (implies --icount)
#   --gdb           start halted, gdb stub on tcp::1234
#   -q ARG          one extra QEMU argument (repeatable)
#   --dry-run       print the QEMU command line instead of running it
#
# Serial (COM1) is on stdio. The kernel leaves through isa-debug-exit:
#   status 1 = pass, 3 = test failure, 5 = kernel panic, 7 = bad command line,
#   9 = the CPU lacks a required feature (UNSUPPORTED-CPU lines name them);
#   status 0 = the guest reset (triple fault under -no-reboot): never success.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
arch=${ARCH:-amd64}
kernel=""
initrd=""
mem=32M
smp=""
cpumodel=""
icount=""
rr=""
gdb=0
dry=0
extra=()

die() { echo "qemu.sh: $*" >&2; exit 2; }

# The most processors the kernel runs (kernel/rt's MaxCPUs).
MAX_SMP=4

# The fixed icount shift of stress runs, chosen by measurement (README,
# "On a loaded machine"): each 100 us tick holds 1e5/2^STRESS_SHIFT guest
# instructions, several times what the timer handler and a switch cost,
# so tasks make progress whatever the host's load.
STRESS_SHIFT=6

# The fixed icount shift of runs that gather evidence: with a tick of
# 1e5/2^9 = 195 task instructions, QEMU delivers about three times the
# ticks per wall second of shift 6, and each lands in a flush window about
# as often (docs/performance.md, "The icount shift"). The natural race's
# ticks to a detection grow with it (the start of a run takes more
# ticks), so timing runs stay at STRESS_SHIFT.
EVIDENCE_SHIFT=9

stress_words=()
if [ "${1:-}" = stress ]; then
  shift
  icount="shift=$STRESS_SHIFT,sleep=off"
  stress_words=(workload=stress)
fi

while [ $# -gt 0 ]; do
  case "$1" in
    -a) [ $# -ge 2 ] || die "-a needs an architecture (386 or amd64)"; arch=$2; shift 2 ;;
    -k) [ $# -ge 2 ] || die "-k needs a kernel path"; kernel=$2; shift 2 ;;
    -i) [ $# -ge 2 ] || die "-i needs an initramfs path"; initrd=$2; shift 2 ;;
    -m) [ $# -ge 2 ] || die "-m needs a memory size such as 32M"; mem=$2; shift 2 ;;
    --cpu)
      [ $# -ge 2 ] || die "--cpu needs a QEMU CPU model such as Skylake-Client (qemu-system-x86_64 -cpu help lists them)"
      case "$2" in
        ""|-*|*,*|*" "*) die "--cpu $2: want one CPU model name; feature flags are added for you (use -q -cpu -q ... for a full -cpu value)" ;;
      esac
      cpumodel=$2; shift 2 ;;
    --smp)
      [ $# -ge 2 ] || die "--smp needs a number of processors, 1..$MAX_SMP"
      case "$2" in
        [1-9]|[1-9][0-9]) [ "$2" -le $MAX_SMP ] || die "--smp $2: the kernel runs at most $MAX_SMP processors (kernel/rt MaxCPUs)" ;;
        *) die "--smp $2: want a number of processors, 1..$MAX_SMP" ;;
      esac
      smp=$2; shift 2 ;;
    -q) [ $# -ge 2 ] || die "-q needs a QEMU argument"; extra+=("$2"); shift 2 ;;
    --icount) icount="shift=$STRESS_SHIFT,sleep=off"; shift ;;
    --evidence) icount="shift=$EVIDENCE_SHIFT,sleep=off"; shift ;;
    --shift)
      [ $# -ge 2 ] || die "--shift needs a number 0..10 or auto"
      case "$2" in
        auto|[0-9]|10) icount="shift=$2,sleep=off" ;;
        *) die "--shift $2: want a number 0..10 or auto" ;;
      esac
      shift 2 ;;
    --record) [ $# -ge 2 ] || die "--record needs a file"; rr="rr=record,rrfile=$2"; shift 2 ;;
    --replay) [ $# -ge 2 ] || die "--replay needs a file"; rr="rr=replay,rrfile=$2"; shift 2 ;;
    --gdb) gdb=1; shift ;;
    --dry-run) dry=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    --) shift; break ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *) break ;;
  esac
done

case "$arch" in
  386)   qemu=qemu-system-i386;   cpu=${cpumodel:-qemu32},+sse,+sse2,+pge,+apic ;;
  amd64) qemu=qemu-system-x86_64; cpu=${cpumodel:-qemu64},+pge,+apic ;;
  *) die "unknown architecture '$arch' (valid: 386, amd64)" ;;
esac
# The evidence shift is one CPU's. Under -icount the CPUs take turns on
# one instruction count, so with N of them each gets 1/N of a tick's 195
# instructions, fewer than the tick's own way back into a task: the
# workers starve and the stress watchdog says so (STARVED, measured with
# --smp 2). Several CPUs run at the stress shift.
if [ "$icount" = "shift=$EVIDENCE_SHIFT,sleep=off" ] && [ "${smp:-1}" -gt 1 ]; then
  die "--smp $smp at icount shift $EVIDENCE_SHIFT (--evidence): a tick holds too few instructions per CPU and the tasks starve; use --icount (shift $STRESS_SHIFT) with several CPUs"
fi
[ -n "$kernel" ] || kernel="$here/build/$arch/kernel.elf"
[ -n "$initrd" ] || { [ -f "$here/build/$arch/initrd.cpio" ] && initrd="$here/build/$arch/initrd.cpio"; } || true
[ -f "$kernel" ] || die "no kernel at $kernel (run: make build ARCH=$arch)"
[ -z "$initrd" ] || [ -f "$initrd" ] || die "no initramfs at $initrd"
command -v "$qemu" >/dev/null 2>&1 || [ $dry = 1 ] ||
  die "$qemu is not installed (run: make deps, or apt-get install qemu-system-x86)"

# Record/replay needs instruction counting; keep the user's shift if given.
# QEMU 7.2 prints nothing at all when sleep=off is combined with rr=, so
# recorded runs keep the default sleep=on (measured here).
if [ -n "$rr" ]; then
  [ -n "$icount" ] || icount="shift=$STRESS_SHIFT"
  icount="${icount/,sleep=off/},$rr"
fi

args=(
  -machine pc -cpu "$cpu" -m "$mem"
  -kernel "$kernel"
  -display none -vga none -monitor none
  -serial stdio
  -no-reboot
  -device isa-debug-exit,iobase=0xf4,iosize=0x04
)
[ -z "$initrd" ] || args+=(-initrd "$initrd")
[ -z "$smp" ] || args+=(-smp "$smp")
[ -z "$icount" ] || args+=(-icount "$icount")
[ $gdb = 0 ] || args+=(-S -gdb tcp::1234)
# Stress defaults go first, except those the caller sets itself (the kernel
# rejects an option given twice).
defaults=()
for w in ${stress_words[@]+"${stress_words[@]}"}; do
  name=${w%%=*}
  case " $* " in *" $name="*) ;; *) defaults+=("$w") ;; esac
done
set -- ${defaults[@]+"${defaults[@]}"} "$@"
[ $# -eq 0 ] || args+=(-append "$*")
args+=(${extra[@]+"${extra[@]}"})

if [ $dry = 1 ]; then
  printf '%q ' "$qemu" "${args[@]}"; echo
  exit 0
fi
# Not exec: a guest that resets (a triple fault, under -no-reboot) makes
# QEMU exit 0 without a word, so say it here. The status stays QEMU's
# (docs/conventions.md); a signal to the process group stops both.
status=0
"$qemu" "${args[@]}" || status=$?
if [ $status -eq 0 ]; then
  echo "qemu.sh: the guest reset (a triple fault, most likely): the kernel stopped without reporting through isa-debug-exit (QEMU status 0)" >&2
fi
exit $status
