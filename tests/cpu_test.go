package tests

import (
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// TestUnsupportedCPU boots each kernel on CPU models that lack what it
// needs. The entry code (boot/cpucheck_386.s; the amd64 trampoline) must
// name the missing features on COM1 and exit with status 9 at once —
// before, such a boot printed nothing and hung until killed.
func TestUnsupportedCPU(t *testing.T) {
	cases := map[string][]struct{ cpu, lacks, optional string }{
		"386": {
			{"pentium", "PGE FXSR SSE SSE2", ""},
			{"pentium2", "SSE SSE2", ""},
			{"486", "TSC PGE FXSR SSE SSE2", "APIC"},
			{"pentium3", "SSE2", ""},
		},
		"amd64": {
			{"pentium", "LM PAE PGE FXSR SSE SSE2", ""},
			{"pentium2", "LM SSE SSE2", ""},
			{"486", "LM PAE PGE TSC MSR FXSR SSE SSE2", "APIC"},
			{"pentium3", "LM SSE2", ""},
		},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases[arch] {
			t.Run(c.cpu, func(t *testing.T) {
				// QEMU takes the last -cpu: this one overrides qemu.sh's.
				r := qemu.RunT(t, qemu.Config{Arch: arch, QEMUArgs: []string{"-cpu", c.cpu}, Timeout: 30 * time.Second})
				if r.Status != qemu.UnsupportedCPU {
					t.Fatalf("status %v, want UnsupportedCPU\n%s\n%s", r.Status, r, tail(r.Text(), 10))
				}
				want := "UNSUPPORTED-CPU: tlbrace " + arch + " cannot run on this CPU; it lacks: " + c.lacks
				if l, ok := r.Find("UNSUPPORTED-CPU: tlbrace"); !ok || l.Text != want {
					t.Errorf("got %q\nwant %q", l.Text, want)
				}
				opt, ok := r.Find("UNSUPPORTED-CPU: optional")
				switch {
				case c.optional == "" && ok:
					t.Errorf("unexpected %q", opt.Text)
				case c.optional != "" && (!ok || opt.Text != "UNSUPPORTED-CPU: optional, also absent: "+c.optional):
					t.Errorf("got %q, want the optional %s reported", opt.Text, c.optional)
				}
				if !r.Contains("EXIT 4") || r.ReadyAt >= 0 {
					t.Errorf("want EXIT 4 and no boot\n%s", r.Text())
				}
				// "At once": QEMU's own start-up is most of it (well under
				// a second on an idle machine; generous for a loaded one).
				if r.Elapsed > 10*time.Second {
					t.Errorf("took %v to refuse the CPU", r.Elapsed)
				}
				t.Logf("%s -cpu %s: %q in %v", arch, c.cpu, want[len("UNSUPPORTED-CPU: "):], r.Elapsed.Round(time.Millisecond))
			})
		}
	})
}
