// Package qemu is the host-side harness that boots the tlbrace kernel under
// QEMU for `go test` packages in tests/.
//
// Every boot goes through the repository's qemu.sh (the one place holding
// QEMU flags): Run turns a Config into qemu.sh flags, runs the script in its
// own process group, collects the serial console (COM1 on stdout) line by
// line with timestamps, and maps QEMU's exit status onto a Status following
// docs/conventions.md:
//
//	QEMU status 1 + serial line "EXIT 0"  Pass
//	QEMU status 3                         TestFailure
//	QEMU status 5                         Panic
//	QEMU status 7                         BadConfig (command line rejected)
//	QEMU status 9                         UnsupportedCPU (a required CPU feature is missing)
//	QEMU status 0                         Reset (triple fault under -no-reboot; a failure)
//	anything else                         QEMUError (stderr kept in Result.Stderr)
//
// Status 1 is also what QEMU itself returns for a bad option, so a run only
// counts as Pass when the kernel also printed its "EXIT 0" line; without it
// the run is a QEMUError.
//
// The harness itself may end a run: Timeout (Config.Timeout elapsed),
// Stopped (Config.Stop returned true for a line) or Canceled (the context
// was done). In all three it kills QEMU's whole process group.
//
// Every run that is not Pass leaves its full serial log, stderr and the exact
// reproducing command in a file named by Result.LogPath, and Result.Command
// is the shell command that reproduces the run from Result.Dir (the
// directory holding qemu.sh, i.e. the repository root).
//
// KTests turns the kernel's in-kernel test lines (KTEST RUN/PASS/FAIL and the
// "ktest: N passed, M failed" summary) into Go subtests.
package qemu
