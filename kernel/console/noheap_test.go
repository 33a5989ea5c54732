// This test runs the compiler's escape analysis (go test -c -gcflags=-m)
// for both kernel architectures and fails if anything in the package, or
// in the typical callers in caller_test.go, would need the heap.
package console

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestNoHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the compiler")
	}
	goTool, err := exec.LookPath("go") // go test puts its own go first in PATH
	if err != nil {
		t.Skip("go command not found:", err)
	}
	for _, arch := range []string{"386", "amd64"} {
		cmd := exec.Command(goTool, "test", "-c", "-o", os.DevNull, "-gcflags=-m", ".")
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("GOARCH=%s: %v\n%s", arch, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			file, _, _ := strings.Cut(strings.TrimPrefix(line, "./"), ":")
			// Only this package's files (not the generated test main, not
			// the test helpers), plus the call sites in caller_test.go.
			_, notHere := os.Stat(file)
			checked := notHere == nil && (!strings.HasSuffix(file, "_test.go") || file == "caller_test.go")
			if checked && (strings.Contains(line, "escapes to heap") || strings.Contains(line, "moved to heap")) {
				t.Errorf("GOARCH=%s: %s", arch, line)
			}
		}
	}
}
