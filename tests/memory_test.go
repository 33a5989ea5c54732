package tests

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

var needRE = regexp.MustCompile(`^PANIC: not enough RAM: (\d+) KiB found .* tlbrace needs (\d+) KiB: .* boot with at least (\d+) MiB \(qemu\.sh -m (\d+)M\)$`)

// TestTooLittleRAM: 4 MiB holds the kernel image but not the memory the
// kernel asks for beyond it. The kernel must name the RAM it found and
// the minimum, and stop with the panic status, before it runs out of
// frames somewhere less clear (a page table, a user program's page).
func TestTooLittleRAM(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r := qemu.RunT(t, qemu.Config{Arch: arch, Mem: "4M", Args: []string{"workload=stress"}, Timeout: 30 * time.Second})
		if r.Status != qemu.Panic || r.ReadyAt >= 0 {
			t.Fatalf("status %v (ready line: %v), want Panic before the ready line\n%s", r.Status, r.ReadyAt >= 0, tail(r.Text(), 10))
		}
		l, ok := r.Find("PANIC:")
		m := needRE.FindStringSubmatch(l.Text)
		if !ok || m == nil {
			t.Fatalf("the PANIC line does not name the RAM found and the minimum: %q", l.Text)
		}
		found, _ := strconv.Atoi(m[1])
		need, _ := strconv.Atoi(m[2])
		mib, _ := strconv.Atoi(m[3])
		if found != 4096 || need <= found || mib<<10 < need {
			t.Errorf("found %d KiB, needs %d KiB, suggests %d MiB: want 4096 found, a need above it and a suggestion that covers it\n%s", found, need, mib, l.Text)
		}
		t.Logf("%s: %s", arch, l.Text)
	})
}
