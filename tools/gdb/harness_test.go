package gdbtest

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// sessionTimeout bounds one QEMU+gdb session; each takes about a second.
const sessionTimeout = 40 * time.Second

// root is the repository root: this package lives in tools/gdb.
func root(t *testing.T) string {
	t.Helper()
	r, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r, "qemu.sh")); err != nil {
		t.Skipf("no qemu.sh in %s: not running inside the tlbrace repository", r)
	}
	return r
}

// needTools skips the test when gdb or QEMU for arch is missing.
func needTools(t *testing.T, arch string) {
	t.Helper()
	q := map[string]string{"386": "qemu-system-i386", "amd64": "qemu-system-x86_64"}[arch]
	for _, tool := range []string{"gdb", q, "setsid"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: skipping the gdb test", tool)
		}
	}
}

var builds sync.Map // arch -> *buildOnce

type buildOnce struct {
	once sync.Once
	err  error
	out  []byte
}

// kernel makes sure build/ARCH/kernel.elf exists, running `make build`
// once if not; it skips the test if that fails.
func kernel(t *testing.T, r, arch string) {
	t.Helper()
	b, _ := builds.LoadOrStore(arch, &buildOnce{})
	bo := b.(*buildOnce)
	bo.once.Do(func() {
		if _, err := os.Stat(filepath.Join(r, "build", arch, "kernel.elf")); err == nil {
			return
		}
		cmd := exec.Command("make", "build", "ARCH="+arch)
		cmd.Dir = r
		bo.out, bo.err = cmd.CombinedOutput()
	})
	if bo.err != nil {
		t.Skipf("make build ARCH=%s failed, skipping the gdb test: %v\n%s", arch, bo.err, bo.out)
	}
}

// freePort returns a TCP port nobody listens on (now), so tests do not
// clash with each other or with a `make gdb` on port 1234.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// session runs `tools/gdb/run.sh MODE ARCH ARGS...` with gdb in batch mode
// executing script, and returns what gdb printed.
func session(t *testing.T, arch, mode, script string, args ...string) string {
	t.Helper()
	r := root(t)
	needTools(t, arch)
	kernel(t, r, arch)
	dir := t.TempDir()
	gdbScript := filepath.Join(dir, "script.gdb")
	if err := os.WriteFile(gdbScript, []byte("set pagination off\n"+script), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(r, "tools/gdb/run.sh"), append([]string{mode, arch}, args...)...)
	cmd.Dir = r
	cmd.Env = append(os.Environ(),
		"GDBPORT="+strconv.Itoa(freePort(t)),
		"GDB_FLAGS=-nx",
		"GDB_ARGS=-batch -x "+gdbScript,
		"TLBRACE_SERIAL_LOG="+filepath.Join(dir, "serial.log"))
	// On timeout, TERM the whole group: run.sh's EXIT trap then kills QEMU.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("gdb session did not finish in %v\n%s\nserial:\n%s", sessionTimeout, out, tail(filepath.Join(dir, "serial.log")))
	}
	if err != nil {
		t.Fatalf("run.sh %s %s: %v\n%s\nserial:\n%s", mode, arch, err, out, tail(filepath.Join(dir, "serial.log")))
	}
	return string(out)
}

// tail returns the last lines of a file, for failure messages.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

// after returns the text after the first occurrence of marker ("" if none):
// checks look only at what a command printed after a given point.
func after(s, marker string) string {
	if i := strings.Index(s, marker); i >= 0 {
		return s[i+len(marker):]
	}
	return ""
}
