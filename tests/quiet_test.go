package tests

import (
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// TestQuiet: quiet leaves out the boot details and the per-second STAT
// lines; the lines the harness and the reports need stay.
func TestQuiet(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		loud := boot(t, arch, 30*time.Second, "test=console.format")
		r := boot(t, arch, 30*time.Second, "quiet", "test=console.format")
		for _, detail := range []string{"memory map", "  frames:", "  paging on:", "  timer:", "  command line:"} {
			if !loud.Contains(detail) {
				t.Errorf("without quiet, %q is missing: the test looks for the wrong text\n%s", detail, loud)
			}
			if r.Contains(detail) {
				t.Errorf("quiet still prints %q\n%s", detail, r)
			}
		}
		if r.ReadyAt < 0 || !r.Contains("flush primitives in") {
			t.Errorf("quiet lost the banner or the ready line\n%s", r)
		}
		qemu.KTests(t, r)

		// A two-second stress run (no -icount: nothing to detect): one STAT
		// line, the final one.
		s := qemu.RunT(t, qemu.Config{Arch: arch, Timeout: 60 * time.Second,
			Args: []string{"quiet", "workload=stress", "duration=2", "users=1", "kthreads=1"}})
		var stats []string
		for _, l := range s.Lines {
			if strings.HasPrefix(l.Text, "STAT ") {
				stats = append(stats, l.Text)
			}
		}
		if s.Status != qemu.Pass || len(stats) != 1 || !strings.HasPrefix(stats[0], "STAT end ") {
			t.Errorf("quiet stress run: status %v, STAT lines %q; want Pass and only the final one\n%s", s.Status, stats, s)
		}
	})
}
