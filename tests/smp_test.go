package tests

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tlbrace/kernel/cmdline"
	"tlbrace/kernel/rt"
	"tlbrace/tools/qemu"
)

// TestSMPBoot: with qemu.sh --smp N the kernel finds the N processors in
// the firmware's tables, starts the others, and says `cpus: N online`;
// maxcpus= starts fewer; a processor that never answers its STARTUP IPI
// is named, and the kernel goes on without it.
func TestSMPBoot(t *testing.T) {
	cases := []struct {
		smp  int
		args []string
		want string
	}{
		{4, nil, "cpus: 4 online (found by ACPI MADT)"},
		{4, []string{"maxcpus=2"}, "cpus: 2 online; 2 more not started (maxcpus=)"},
		{3, []string{"silentcpu=1"}, "cpus: 2 online; APIC id 1 did not answer the STARTUP IPI"},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases {
			r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: c.smp, Timeout: 30 * time.Second,
				Args: append(c.args, "test=console.format")})
			if !r.Contains(c.want) {
				t.Errorf("--smp %d %v: no %q\n%s", c.smp, c.args, c.want, r)
			}
			qemu.KTests(t, r)
		}
	})
}

// TestSMPBadInput: a processor count the kernel cannot run is refused
// with a clear message, by qemu.sh (--smp) or by the kernel (maxcpus=).
func TestSMPBadInput(t *testing.T) {
	for _, n := range []string{"5", "0", "two"} {
		out, err := exec.Command("../qemu.sh", "--dry-run", "--smp", n).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "--smp "+n+":") {
			t.Errorf("qemu.sh --smp %s: %v, %q; want a refusal naming it", n, err, out)
		}
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, w := range []struct{ word, want string }{
			{"maxcpus=0", "maxcpus="},
			{"maxcpus=9", "1..4"},
			{"maxcpus=all", `"all"`},
		} {
			r := boot(t, arch, 30*time.Second, w.word)
			if last := lastBeforeExit(r); r.Status != qemu.BadConfig || !strings.Contains(last, w.want) {
				t.Errorf("%s: status %v, last line %q; want BadConfig naming %q", w.word, r.Status, last, w.want)
			}
		}
	})
}

// TestMaxCPUsAgree: the kernel, its command line, qemu.sh and the harness
// agree on how many processors the kernel runs at most.
func TestMaxCPUsAgree(t *testing.T) {
	sh, err := os.ReadFile("../qemu.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^MAX_SMP=(\d+)$`).FindSubmatch(sh)
	if m == nil {
		t.Fatal("qemu.sh has no MAX_SMP=N line")
	}
	shMax, _ := strconv.Atoi(string(m[1]))
	all := []int{rt.MaxCPUs, cmdline.MaxCPUs, qemu.MaxSMP, shMax}
	for _, n := range all[1:] {
		if n != all[0] {
			t.Errorf("rt.MaxCPUs, cmdline.MaxCPUs, qemu.MaxSMP, qemu.sh MAX_SMP = %v: want them equal", all)
			break
		}
	}
}
