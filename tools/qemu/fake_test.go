// Fake qemu.sh scripts for the Run tests: small bash programs generated into
// t.TempDir() that print lines, sleep, and exit like QEMU would.
package qemu

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// fake is one generated stand-in for qemu.sh plus an empty kernel beside it.
type fake struct {
	dir, script, kernel string
}

// newFake writes body as the script ./qemu.sh in a fresh directory.
func newFake(t *testing.T, body string) fake {
	t.Helper()
	dir := t.TempDir()
	f := fake{dir: dir, script: filepath.Join(dir, "qemu.sh"), kernel: filepath.Join(dir, "kernel.elf")}
	writeFile(t, f.script, "#!/usr/bin/env bash\n"+body+"\n", 0o755)
	writeFile(t, f.kernel, "", 0o644)
	return f
}

// config is a Config running the fake with a private log directory.
func (f fake) config(t *testing.T, timeout time.Duration) Config {
	return Config{
		Arch:    "386",
		Kernel:  f.kernel,
		Script:  f.script,
		Timeout: timeout,
		LogDir:  filepath.Join(t.TempDir(), "logs"),
	}
}

// run runs cfg and fails the test on a harness error.
func run(t *testing.T, cfg Config) *Result {
	t.Helper()
	r, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

// processGone waits up to a second for pid to disappear (or become a zombie).
func processGone(pid int) bool {
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if err != nil {
			return true
		}
		// Field 3 of /proc/PID/stat is the state; Z is a zombie.
		for i := len(data) - 1; i > 0; i-- {
			if data[i] == ')' && i+2 < len(data) {
				if data[i+2] == 'Z' {
					return true
				}
				break
			}
		}
	}
	return false
}
