package tests

import (
	"bufio"
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMonitor drives the serial-console monitor (workload=monitor) with
// typed commands through qemu.sh's stdio, as a user at `make qemu` would.
func TestMonitor(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, "make", "-s", "-C", "..", "build", "ARCH="+arch).CombinedOutput(); err != nil {
			t.Fatalf("make build ARCH=%s: %v\n%s", arch, err, out)
		}
		cmd := exec.CommandContext(ctx, "./qemu.sh", "-a", arch, "--", "workload=monitor")
		cmd.Dir = ".."
		cmd.Stdin = strings.NewReader("help\nps\nfrobnicate\nmm\nstat\nstress sideways\nexit\n")
		out, err := cmd.CombinedOutput()
		text := string(out)
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("monitor session: %v (want QEMU status 1 after `exit`)\n%s", err, tail(text, 30))
		}
		for _, want := range []string{
			"tlbrace> help", "stress  racy|fixed",
			"TASKS   0 main", "TASKS   1 idle",
			`unknown command "frobnicate"`,
			"(init_mm: the kernel's own", "CR3 holds the page table of",
			"timer interrupts inside a flush window",
			"usage: stress racy|fixed [seconds]",
			"EXIT 0",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("monitor output lacks %q\n%s", want, tail(text, 40))
			}
		}
	})
}

// TestMakeQemuStatus checks that `make qemu` maps QEMU's statuses for a
// person at the console: a session ended with `exit` at the monitor (QEMU
// status 1, the kernel's pass) is a success for make, and a rejected
// command line (status 7) fails with a line naming it.
func TestMakeQemuStatus(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		// -o build: the kernels are built already (make test builds them
		// first, TestMonitor rebuilds them); rebuilding here would rewrite
		// a kernel.elf that parallel tests are booting.
		run := func(cmdline, input string) (string, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "make", "-s", "-C", "..", "-o", "build", "qemu", "ARCH="+arch, "CMDLINE="+cmdline)
			cmd.Stdin = strings.NewReader(input)
			out, err := cmd.CombinedOutput()
			return string(out), err
		}
		out, err := run("workload=monitor", "exit\n")
		if err != nil || !strings.Contains(out, "EXIT 0") {
			t.Errorf("make qemu, then exit at the monitor: %v, want success\n%s", err, tail(out, 20))
		}
		out, err = run("fluhs=racy", "")
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
			t.Errorf("make qemu with a bad command line: %v, want failure\n%s", err, tail(out, 20))
		}
		if want := "make qemu: the kernel rejected its command line (QEMU status 7)"; !strings.Contains(out, want) {
			t.Errorf("make qemu with a bad command line: output lacks %q\n%s", want, tail(out, 20))
		}
	})
}

// TestMakeQemuShowsTheRace runs `make qemu` as a newcomer would, with no
// CMDLINE: the race demo. Within ten seconds it must print a detection,
// the step-by-step explanation of this run's trace, the fixed flush's
// deferred injections (all of them), and then the monitor's prompt.
func TestMakeQemuShowsTheRace(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		stressSlots <- struct{}{}
		defer func() { <-stressSlots }()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		// -o build: the kernels are built already (see TestMakeQemuStatus).
		cmd := exec.CommandContext(ctx, "make", "-s", "-C", "..", "-o", "build", "qemu", "ARCH="+arch)
		cmd.Stdin = strings.NewReader("exit\n")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = cmd.Stdout
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		var prompt time.Duration
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			l := strings.TrimRight(sc.Text(), "\r")
			text.WriteString(l + "\n")
			if prompt == 0 && strings.HasPrefix(l, "monitor: type help") {
				prompt = time.Since(start)
			}
		}
		err = cmd.Wait()
		s := text.String()
		if err != nil {
			t.Fatalf("make qemu ARCH=%s, then exit at the monitor: %v\n%s", arch, err, tail(s, 40))
		}
		for _, want := range []string{
			"race: 1/3", "DETECTED: ", "WHAT HAPPENED (", "  1. tick ", "WHAT HAPPENED END",
			"race: 2/3", "race: 3/3", "tlbrace> exit", "EXIT 0",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("make qemu ARCH=%s: output lacks %q\n%s", arch, want, tail(s, 60))
			}
		}
		m := regexp.MustCompile(`the fixed flush deferred (\d+) of (\d+) injections`).FindStringSubmatch(s)
		if m == nil || m[1] != m[2] || m[1] == "0" {
			t.Errorf("make qemu ARCH=%s: no line saying the fixed flush deferred every one of its injections (%q)\n%s", arch, m, tail(s, 30))
		}
		t.Logf("make qemu ARCH=%s: the monitor's prompt after %v of wall time", arch, prompt.Round(time.Millisecond))
		if prompt == 0 || prompt > 10*time.Second {
			t.Errorf("make qemu ARCH=%s: the monitor's prompt came after %v, want the whole demo within 10 s", arch, prompt)
		}
	})
}
