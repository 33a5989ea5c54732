// Tests for Run against fake qemu.sh scripts: status mapping, timeouts and
// process-group kills, early stop, cancellation, timing, logs and commands.
package qemu

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunStatuses(t *testing.T) {
	cases := []struct {
		name string
		body string
		want Status
		code int
	}{
		{"pass", "echo 'tlbrace: ready'; echo 'EXIT 0'; exit 1", Pass, 1},
		{"pass-without-EXIT-0-is-qemu-error", "echo 'qemu-system-i386: -foo: invalid option' >&2; exit 1", QEMUError, 1},
		{"test-failure", "echo 'KTEST FAIL x: boom'; echo 'EXIT 1'; exit 3", TestFailure, 3},
		{"panic", "echo 'PANIC: page fault at 0xdead'; echo 'EXIT 2'; exit 5", Panic, 5},
		{"reset", "echo 'tlbrace: ready'; exit 0", Reset, 0},
		{"usage-error", "echo \"qemu.sh: unknown option '--bogus' (try --help)\" >&2; exit 2", QEMUError, 2},
		{"other-status", "exit 11", QEMUError, 11},
		{"unsupported-cpu", "echo 'UNSUPPORTED-CPU: tlbrace 386 cannot run on this CPU; it lacks: SSE2'; echo 'EXIT 4'; exit 9", UnsupportedCPU, 9},
		{"bad-config", "exit 7", BadConfig, 7},
		{"killed-by-signal", "kill -SEGV $$", QEMUError, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, c.body)
			r := run(t, f.config(t, 5*time.Second))
			if r.Status != c.want || r.ExitCode != c.code {
				t.Fatalf("status %v exit %d; want %v exit %d\n%v", r.Status, r.ExitCode, c.want, c.code, r)
			}
			if r.OK() != (c.want == Pass) {
				t.Errorf("OK() = %v for %v", r.OK(), r.Status)
			}
			if (r.LogPath == "") != (c.want == Pass) {
				t.Errorf("LogPath = %q for %v; want a log exactly when the run did not pass", r.LogPath, r.Status)
			}
		})
	}
}

func TestQEMUErrorKeepsStderr(t *testing.T) {
	f := newFake(t, "echo serial-line; echo 'qemu-system-i386: -bogus: invalid option' >&2; exit 1")
	r := run(t, f.config(t, 5*time.Second))
	if r.Status != QEMUError {
		t.Fatalf("status %v, want QEMUError", r.Status)
	}
	if !strings.Contains(r.Stderr, "invalid option") {
		t.Errorf("Stderr = %q; want QEMU's message", r.Stderr)
	}
	if r.Contains("invalid option") {
		t.Errorf("stderr leaked into the serial lines: %q", r.Text())
	}
	if s := r.String(); !strings.Contains(s, "invalid option") || !strings.Contains(s, "never printed \"EXIT 0\"") || !strings.Contains(s, "QEMU itself failed") {
		t.Errorf("String() lacks stderr or the EXIT 0 explanation:\n%s", s)
	}
	log, err := os.ReadFile(r.LogPath)
	if err != nil || !strings.Contains(string(log), "invalid option") {
		t.Errorf("log %s lacks stderr (err %v)", r.LogPath, err)
	}
}

func TestLogHoldsFullOutput(t *testing.T) {
	f := newFake(t, `for i in $(seq 1 500); do echo "line $i of the serial log"; done; echo oops >&2; exit 5`)
	cfg := f.config(t, 5*time.Second)
	cfg.Args = []string{"seed=7"}
	r := run(t, cfg)
	if len(r.Lines) != 500 {
		t.Fatalf("got %d lines, want 500", len(r.Lines))
	}
	if filepath.Dir(r.LogPath) != cfg.LogDir {
		t.Errorf("LogPath %s is not in LogDir %s", r.LogPath, cfg.LogDir)
	}
	data, err := os.ReadFile(r.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for i := 1; i <= 500; i++ {
		if !strings.Contains(log, fmt.Sprintf("] line %d of the serial log\n", i)) {
			t.Fatalf("log lacks line %d", i)
		}
	}
	for _, want := range []string{"# command: " + r.Command, "oops", "Panic", f.dir} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

func TestPassWritesNoLog(t *testing.T) {
	f := newFake(t, "echo 'EXIT 0'; exit 1")
	cfg := f.config(t, 5*time.Second)
	r := run(t, cfg)
	if r.Status != Pass || r.LogPath != "" {
		t.Fatalf("status %v LogPath %q; want Pass and no log", r.Status, r.LogPath)
	}
	if _, err := os.Stat(cfg.LogDir); !os.IsNotExist(err) {
		t.Errorf("LogDir %s was created for a passing run", cfg.LogDir)
	}
}

func TestTimeoutKillsGroupIgnoringSIGTERM(t *testing.T) {
	// The script and its background child ignore SIGTERM; only the group
	// SIGKILL ends them.
	f := newFake(t, `trap '' TERM
echo started
sleep 60 & echo $! > child.pid
sleep 60`)
	timeout := time.Second
	begin := time.Now()
	r := run(t, f.config(t, timeout))
	wall := time.Since(begin)
	if r.Status != Timeout {
		t.Fatalf("status %v, want Timeout\n%v", r.Status, r)
	}
	// The group's members would live 60 s: returning within a few seconds
	// of the timeout (grace periods, plus slack for a loaded CI host)
	// shows the SIGKILL reached them.
	if limit := timeout + 5*time.Second; wall > limit {
		t.Errorf("Run returned after %v; want within %v", wall, limit)
	}
	if r.Elapsed < timeout {
		t.Errorf("Elapsed %v < Timeout %v", r.Elapsed, timeout)
	}
	if _, ok := r.Find("started"); !ok {
		t.Errorf("lost the line printed before the timeout: %q", r.Text())
	}
	data, err := os.ReadFile(filepath.Join(f.dir, "child.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if !processGone(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("background child %d survived the group kill", pid)
	}
}

func TestChildHoldingStdoutDoesNotHang(t *testing.T) {
	// The script passes, but leaves a child in its group holding stdout.
	f := newFake(t, `echo 'EXIT 0'; sleep 60 & echo $! > child.pid; exit 1`)
	begin := time.Now()
	r := run(t, f.config(t, 30*time.Second))
	if wall := time.Since(begin); wall > 2*time.Second {
		t.Errorf("Run took %v with a child holding stdout", wall)
	}
	if r.Status != Pass {
		t.Errorf("status %v, want Pass\n%v", r.Status, r)
	}
	data, _ := os.ReadFile(filepath.Join(f.dir, "child.pid"))
	if pid, _ := strconv.Atoi(strings.TrimSpace(string(data))); pid <= 0 || !processGone(pid) {
		t.Errorf("left-over child %q was not killed", data)
	}
}

func TestEscapedChildDoesNotHang(t *testing.T) {
	// setsid leaves the process group, so no group kill reaches it: the
	// harness must stop reading anyway.
	f := newFake(t, `echo 'EXIT 0'; setsid sleep 60 & echo $! > child.pid; sleep 0.1; exit 1`)
	t.Cleanup(func() {
		data, _ := os.ReadFile(filepath.Join(f.dir, "child.pid"))
		if pid, _ := strconv.Atoi(strings.TrimSpace(string(data))); pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL) // the sleep this test started
		}
	})
	begin := time.Now()
	r := run(t, f.config(t, 30*time.Second))
	if wall := time.Since(begin); wall > 2*time.Second {
		t.Errorf("Run took %v with an escaped child holding stdout", wall)
	}
	if r.Status != Pass {
		t.Errorf("status %v, want Pass\n%v", r.Status, r)
	}
}

func TestStopEndsEarly(t *testing.T) {
	f := newFake(t, `echo boot; echo 'tlbrace: ready'; echo 'RACE detected: stale TLB entry'; echo after; sleep 60`)
	cfg := f.config(t, 30*time.Second)
	var calls []string
	cfg.Stop = func(line string) bool {
		calls = append(calls, line)
		return strings.HasPrefix(line, "RACE")
	}
	begin := time.Now()
	r := run(t, cfg)
	if wall := time.Since(begin); wall > 2*time.Second {
		t.Errorf("Stop took %v to end the run", wall)
	}
	if r.Status != Stopped || r.OK() {
		t.Fatalf("status %v OK %v; want Stopped, not OK", r.Status, r.OK())
	}
	if got := strings.Join(calls, "|"); got != "boot|tlbrace: ready|RACE detected: stale TLB entry" {
		t.Errorf("Stop saw %q; want every line up to the detection, then no more calls", got)
	}
	if l, ok := r.Find("RACE"); !ok || l.Text != "RACE detected: stale TLB entry" {
		t.Errorf("Find(RACE) = %v, %v", l, ok)
	}
	if r.LogPath == "" {
		t.Errorf("a stopped run keeps its log")
	}
}

func TestCancelEndsRun(t *testing.T) {
	f := newFake(t, `echo waiting; sleep 60`)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	r, err := Run(ctx, f.config(t, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Canceled || r.Elapsed > 2*time.Second {
		t.Errorf("status %v after %v; want Canceled quickly", r.Status, r.Elapsed)
	}
	if _, err := Run(ctx, f.config(t, time.Second)); err == nil {
		t.Errorf("Run with a done context started anyway")
	}
}

func TestReadyAtAndTimestamps(t *testing.T) {
	f := newFake(t, `echo booting; sleep 0.3; printf 'tlbrace: ready (boot 12ms)\r\n'; echo 'EXIT 0'; exit 1`)
	r := run(t, f.config(t, 5*time.Second))
	if r.Status != Pass {
		t.Fatalf("status %v\n%v", r.Status, r)
	}
	if r.ReadyAt < 300*time.Millisecond || r.ReadyAt > 2*time.Second {
		t.Errorf("ReadyAt = %v; want about 300ms", r.ReadyAt)
	}
	l, ok := r.Find("tlbrace: ready")
	if !ok || l.Text != "tlbrace: ready (boot 12ms)" || l.At != r.ReadyAt {
		t.Errorf("ready line = %+v, %v; want it with \\r stripped, At == ReadyAt", l, ok)
	}
	if r.Lines[0].At > l.At {
		t.Errorf("timestamps not increasing: %v then %v", r.Lines[0].At, l.At)
	}
	if r.Text() != "booting\ntlbrace: ready (boot 12ms)\nEXIT 0\n" {
		t.Errorf("Text() = %q", r.Text())
	}

	never := run(t, newFake(t, "echo 'EXIT 0'; exit 1").config(t, 5*time.Second))
	if never.ReadyAt != -1 {
		t.Errorf("ReadyAt = %v without a ready line; want -1", never.ReadyAt)
	}
}

func TestPartialLastLine(t *testing.T) {
	r := run(t, newFake(t, `printf 'EXIT 0\nno newline'; exit 1`).config(t, 5*time.Second))
	if !r.Contains("no newline") || len(r.Lines) != 2 {
		t.Errorf("lines %q; want the unterminated last line kept", r.Text())
	}
}

func TestArgsReachScriptAndCommandQuotes(t *testing.T) {
	// The fake prints its arguments one per line and its working directory.
	f := newFake(t, `pwd; for a in "$@"; do echo "arg[$a]"; done; echo 'EXIT 0'; exit 1`)
	writeFile(t, filepath.Join(f.dir, "initrd.cpio"), "", 0o644)
	cfg := f.config(t, 5*time.Second)
	cfg.Initrd = filepath.Join(f.dir, "initrd.cpio")
	cfg.Icount = true
	cfg.Mem = "64M"
	cfg.QEMUArgs = []string{"-name", "my vm"}
	cfg.Args = []string{"flush=racy", "seed=7"}
	r := run(t, cfg)
	want := []string{"-a", "386", "-k", "kernel.elf", "-i", "initrd.cpio", "-m", "64M", "--icount",
		"-q", "-name", "-q", "my vm", "--", "flush=racy", "seed=7"}
	var got []string
	for _, l := range r.Lines {
		if a, ok := strings.CutPrefix(l.Text, "arg["); ok {
			got = append(got, strings.TrimSuffix(a, "]"))
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("script got args %q, want %q", got, want)
	}
	if r.Lines[0].Text != f.dir || r.Dir != f.dir {
		t.Errorf("ran in %q (Dir %q); want %q", r.Lines[0].Text, r.Dir, f.dir)
	}
	wantCmd := "./qemu.sh -a 386 -k kernel.elf -i initrd.cpio -m 64M --icount -q -name -q 'my vm' -- flush=racy seed=7"
	if r.Command != wantCmd {
		t.Errorf("Command = %s\n          want %s", r.Command, wantCmd)
	}
	if r.Reproduce() != "cd "+shellQuote(f.dir)+" && "+wantCmd {
		t.Errorf("Reproduce() = %s", r.Reproduce())
	}
}

func TestDefaultKernelPathOmitted(t *testing.T) {
	f := newFake(t, `echo 'EXIT 0'; exit 1`)
	kernel := filepath.Join(f.dir, "build", "386", "kernel.elf")
	writeFile(t, kernel, "", 0o644)
	cfg := f.config(t, 5*time.Second)
	cfg.Kernel = kernel
	cfg.Shift = 4
	cfg.Args = []string{"flush=racy", "seed=7"}
	if r := run(t, cfg); r.Command != "./qemu.sh -a 386 --shift 4 -- flush=racy seed=7" {
		t.Errorf("Command = %s; want qemu.sh's default kernel left out", r.Command)
	}
}

func TestNonExecutableScriptRunsUnderBash(t *testing.T) {
	f := newFake(t, `echo 'EXIT 0'; exit 1`)
	if err := os.Chmod(f.script, 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, f.config(t, 5*time.Second))
	if r.Status != Pass || !strings.HasPrefix(r.Command, "bash ./qemu.sh -a 386") {
		t.Errorf("status %v Command %s; want Pass via bash", r.Status, r.Command)
	}
}

func TestHarnessErrors(t *testing.T) {
	f := newFake(t, "exit 1")
	cases := map[string]struct {
		mut  func(c *Config)
		want string
	}{
		"missing script": {func(c *Config) { c.Script = filepath.Join(f.dir, "nope.sh") }, "nope.sh"},
		"missing kernel": {func(c *Config) { c.Kernel = filepath.Join(f.dir, "nope.elf") }, "Config.Kernel"},
		"missing initrd": {func(c *Config) { c.Initrd = filepath.Join(f.dir, "nope.cpio") }, "Config.Initrd"},
		"missing replay": {func(c *Config) { c.Replay = filepath.Join(f.dir, "nope.rr") }, "Config.Replay"},
		"no timeout":     {func(c *Config) { c.Timeout = 0 }, "Config.Timeout"},
		"bad arch":       {func(c *Config) { c.Arch = "riscv" }, "Config.Arch"},
	}
	for name, c := range cases {
		cfg := f.config(t, time.Second)
		c.mut(&cfg)
		r, err := Run(t.Context(), cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Run = %v, %v; want an error naming %s", name, r, err, c.want)
		}
	}
}
