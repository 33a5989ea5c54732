package tests

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestQemuShHelp checks that `qemu.sh --help` prints exactly the script's
// header comment (without the "# "), and nothing of the code after it.
func TestQemuShHelp(t *testing.T) {
	src, err := os.ReadFile("../qemu.sh")
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, line := range strings.Split(string(src), "\n")[1:] { // after #!
		if !strings.HasPrefix(line, "#") {
			break
		}
		line = strings.TrimPrefix(strings.TrimPrefix(line, "#"), " ")
		want.WriteString(line + "\n")
	}
	for _, flag := range []string{"--help", "-h"} {
		cmd := exec.Command("./qemu.sh", flag)
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("qemu.sh %s: %v\n%s", flag, err, out)
		}
		if string(out) != want.String() {
			t.Errorf("qemu.sh %s printed:\n%s\nwant the header comment:\n%s", flag, out, want.String())
		}
		if !strings.HasPrefix(string(out), "qemu.sh — ") || strings.Contains(string(out), "set -euo") {
			t.Errorf("qemu.sh %s: not the header comment:\n%s", flag, out)
		}
	}
}
