// Config: what one boot of the kernel asks for, and its validation.
package qemu

import (
	"fmt"
	"strings"
	"time"
)

// ShiftZero asks for a fixed icount shift of 0 (one nanosecond per
// instruction); Config.Shift 0 means "no explicit shift".
const ShiftZero = -1

// ShiftAuto asks for QEMU's adaptive icount shift by name. Guest time then
// follows the host's speed, so a run depends on host load: use it only to
// study that (README, "On a loaded machine").
const ShiftAuto = -2

// MaxSMP is the most processors the kernel runs (kernel/rt MaxCPUs,
// qemu.sh's MAX_SMP).
const MaxSMP = 4

// maxShift is QEMU's MAX_ICOUNT_SHIFT (QEMU 7.2 softmmu/icount.c).
const maxShift = 10

// Config describes one run of the kernel through qemu.sh.
type Config struct {
	// Arch is "386" or "amd64". Required.
	Arch string
	// Kernel is the kernel ELF. Empty: the harness runs
	// `make -s -C <repo root> build ARCH=<Arch>` once per arch per process
	// and uses <repo root>/build/<Arch>/kernel.elf.
	Kernel string
	// Initrd is an optional initramfs (qemu.sh -i). Empty: qemu.sh's
	// default (build/ARCH/initrd.cpio if present).
	Initrd string
	// Args are the kernel command-line words (after qemu.sh's --). qemu.sh
	// joins them with spaces, so a word may not be empty or hold whitespace.
	Args []string
	// Stress runs qemu.sh's stress mode: -icount at qemu.sh's fixed stress
	// shift plus the kernel word "workload=stress" ahead of Args (unless
	// Args sets workload= itself); the kernel supplies the workload's own
	// defaults for what Args leaves out.
	Stress bool
	// Icount runs with instruction-counted time at qemu.sh's fixed stress
	// shift (qemu.sh --icount): deterministic, whatever the host's load.
	Icount bool
	// Shift selects an icount shift (qemu.sh --shift N), which implies
	// icount: 0 means none given, 1..10 that shift, ShiftZero (-1) shift 0,
	// ShiftAuto (-2) QEMU's adaptive shift.
	Shift int
	// Record / Replay name a QEMU record/replay file (qemu.sh --record /
	// --replay; both imply icount). At most one may be set.
	Record, Replay string
	// Mem is the guest RAM, e.g. "32M" (qemu.sh -m). Empty: qemu.sh's default.
	Mem string
	// CPU is a QEMU CPU model (qemu.sh --cpu MODEL: qemu.sh adds the
	// feature flags the kernel needs). Empty: qemu.sh's default.
	CPU string
	// SMP is the number of processors (qemu.sh --smp N), 1..MaxSMP; 0
	// means qemu.sh's default, one.
	SMP int
	// QEMUArgs are extra QEMU arguments, each passed as qemu.sh -q ARG.
	QEMUArgs []string
	// Timeout bounds the whole run. Required (> 0).
	Timeout time.Duration
	// Script is qemu.sh. Empty: qemu.sh in the repository root (the nearest
	// directory above the working directory whose go.mod says module tlbrace).
	Script string
	// LogDir receives the log of every run that does not pass. Empty:
	// $TLBRACE_LOG_DIR, else os.TempDir()/tlbrace-logs.
	LogDir string
	// Stop, if set, is called for every serial line, in order, from one
	// goroutine; it must not block. Returning true ends the run with status
	// Stopped (the harness kills QEMU). It is not called again afterwards;
	// lines QEMU had already written are still collected. Status is Stopped
	// whenever Stop fired, even if QEMU then exited on its own, unless a
	// Timeout or cancellation came first.
	Stop func(line string) bool
}

// validate checks the fields that need no file system.
func (c *Config) validate() error {
	if c.Arch != "386" && c.Arch != "amd64" {
		return fmt.Errorf("qemu: Config.Arch is %q; want \"386\" or \"amd64\"", c.Arch)
	}
	if c.Timeout <= 0 {
		return fmt.Errorf("qemu: Config.Timeout is %v; it is required and must be > 0", c.Timeout)
	}
	if c.Shift != ShiftZero && c.Shift != ShiftAuto && (c.Shift < 0 || c.Shift > maxShift) {
		return fmt.Errorf("qemu: Config.Shift is %d; want 0 (none given), 1..%d, ShiftZero or ShiftAuto", c.Shift, maxShift)
	}
	if c.Record != "" && c.Replay != "" {
		return fmt.Errorf("qemu: Config.Record (%s) and Config.Replay (%s) are both set; pick one", c.Record, c.Replay)
	}
	for i, w := range c.Args {
		if w == "" || strings.ContainsAny(w, " \t\r\n") {
			return fmt.Errorf("qemu: Config.Args[%d] is %q; kernel words may not be empty or contain whitespace (qemu.sh joins them with spaces)", i, w)
		}
	}
	for i, a := range c.QEMUArgs {
		if a == "" {
			return fmt.Errorf("qemu: Config.QEMUArgs[%d] is empty", i)
		}
	}
	if c.CPU != "" && (strings.HasPrefix(c.CPU, "-") || strings.ContainsAny(c.CPU, ", \t\r\n")) {
		return fmt.Errorf("qemu: Config.CPU is %q; want one CPU model name such as Skylake-Client (qemu.sh adds the feature flags)", c.CPU)
	}
	if c.SMP < 0 || c.SMP > MaxSMP {
		return fmt.Errorf("qemu: Config.SMP is %d; want 0 (qemu.sh's default) or 1..%d", c.SMP, MaxSMP)
	}
	if strings.ContainsAny(c.Mem, " \t\r\n") {
		return fmt.Errorf("qemu: Config.Mem is %q; want a size such as 32M", c.Mem)
	}
	return nil
}
