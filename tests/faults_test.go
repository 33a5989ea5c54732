package tests

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// TestFaultReports boots each deliberate fault and checks the report: the
// panic status, the diagnosis, the registers, and a backtrace that names
// the faulting function with its file and line — as the module path
// (tlbrace/kernel/faults.go: the kernel is built with -trimpath), never
// the directory the kernel happened to be built in.
func TestFaultReports(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		fault     string
		diagnosis string // substring of the PANIC report
		fn        string // function the backtrace must name
	}{
		{"nil", "nil pointer dereference", "tlbrace/kernel.faultNilDeref"},
		{"bounds", "bounds check failure", "tlbrace/kernel.faultBounds"},
		{"stackoverflow", "kernel stack overflow", "tlbrace/kernel.faultStackOverflow"},
		{"divide", "divide", "tlbrace/kernel.faultDivide"},
		{"gpf", "general protection", "tlbrace/kernel.faultGPF"},
		{"breakpoint", "breakpoint", "tlbrace/kernel.faultBreakpoint"},
		// Assembly pushing past the stack's end: the guard page stops it,
		// the double fault runs on its own stack (IST1 / a task gate).
		{"guardpage", "kernel stack overflow into a guard page", "tlbrace/asm.ExhaustStack"},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases {
			t.Run(c.fault, func(t *testing.T) {
				r := boot(t, arch, 30*time.Second, "fault="+c.fault)
				if r.Status != qemu.Panic {
					t.Fatalf("status %v, want Panic\n%s", r.Status, r)
				}
				text := r.Text()
				for _, want := range []string{"PANIC:", c.diagnosis, "cr2 ", "cr3 ", "backtrace:", c.fn, "\n          tlbrace/kernel/faults.go:"} {
					if !strings.Contains(text, want) {
						t.Errorf("report lacks %q\n%s\nlog: %s", want, tail(text, 40), r.LogPath)
					}
				}
				// (The boot lines before the report may name it: QEMU passes
				// the kernel's path as the first command-line word.)
				if _, report, _ := strings.Cut(text, "PANIC:"); strings.Contains(report, root+"/") {
					t.Errorf("report names the build directory %s (not built with -trimpath?)\n%s", root, tail(text, 40))
				}
			})
		}
	})
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
