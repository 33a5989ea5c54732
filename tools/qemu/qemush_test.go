// Checks against the REAL qemu.sh: its --dry-run QEMU command line for the
// flags this package generates, and a real QEMU failure mapped to QEMUError.
package qemu

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// realScript returns the repository's qemu.sh, skipping when it is absent.
func realScript(t *testing.T) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Skipf("not inside the tlbrace repository: %v", err)
	}
	script := filepath.Join(root, "qemu.sh")
	if _, err := os.Stat(script); err != nil {
		t.Skipf("no qemu.sh: %v", err)
	}
	return script
}

func TestRealQemuShDryRun(t *testing.T) {
	script := realScript(t)
	kernel := filepath.Join(t.TempDir(), "kernel.elf")
	writeFile(t, kernel, "", 0o644)
	for _, arch := range []string{"386", "amd64"} {
		cfg := Config{Arch: arch, Kernel: kernel, Script: script, Shift: 3, Mem: "64M", CPU: "core2duo",
			QEMUArgs: []string{"-smp", "2"}, Args: []string{"flush=racy", "seed=7"}, Timeout: time.Second}
		p, err := resolve(cfg)
		if err != nil {
			t.Fatal(err)
		}
		// The argv Run would execute, with --dry-run right after the script.
		i := slices.Index(p.argv, "./qemu.sh")
		argv := slices.Concat(p.argv[:i+1], []string{"--dry-run"}, p.argv[i+1:])
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = p.dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s --dry-run: %v\n%s", p.command, err, out)
		}
		qemuArgv := unquoteBash(t, string(out))
		for _, want := range [][]string{
			{"-no-reboot"},
			{"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"},
			{"-serial", "stdio"},
			{"-m", "64M"},
			{"-cpu", map[string]string{"386": "core2duo,+sse,+sse2,+pge,+apic", "amd64": "core2duo,+pge,+apic"}[arch]},
			{"-icount", "shift=3,sleep=off"},
			{"-append", "flush=racy seed=7"},
			{"-smp", "2"},
			{"-kernel", kernel},
		} {
			if !containsSeq(qemuArgv, want) {
				t.Errorf("%s: dry-run QEMU argv lacks %q:\n%q", arch, want, qemuArgv)
			}
		}
	}
}

func TestRealQEMURejectsEmptyKernel(t *testing.T) {
	script := realScript(t)
	if _, err := exec.LookPath("qemu-system-i386"); err != nil {
		t.Skip("qemu-system-i386 not installed")
	}
	kernel := filepath.Join(t.TempDir(), "kernel.elf")
	writeFile(t, kernel, "", 0o644)
	// QEMU refuses an empty -kernel with its own status 1, which must not be
	// mistaken for the kernel's pass.
	r := run(t, Config{Arch: "386", Kernel: kernel, Script: script, Timeout: 20 * time.Second, LogDir: t.TempDir()})
	if r.Status != QEMUError || r.ExitCode != 1 || strings.TrimSpace(r.Stderr) == "" {
		t.Errorf("status %v exit %d stderr %q; want QEMUError, exit 1 and QEMU's message\n%v", r.Status, r.ExitCode, r.Stderr, r)
	}
}

// unquoteBash splits qemu.sh's `printf %q` output back into words.
func unquoteBash(t *testing.T, line string) []string {
	t.Helper()
	out, err := exec.Command("bash", "-c", `eval "set -- $1"; printf '%s\0' "$@"`, "unquote", line).Output()
	if err != nil {
		t.Fatalf("unquoting %q: %v", line, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// containsSeq reports whether seq occurs contiguously in words.
func containsSeq(words, seq []string) bool {
	for i := 0; i+len(seq) <= len(words); i++ {
		if slices.Equal(words[i:i+len(seq)], seq) {
			return true
		}
	}
	return false
}
