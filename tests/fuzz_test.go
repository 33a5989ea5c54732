package tests

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// The syscall fuzzer (workload=fuzz, user/fuzz) and out of memory on
// demand (oom=, framecap=). A run passes only if the kernel never
// panics, reports no BUG, never hangs, every fuzzer found every rule of
// the ABI kept, and the free frames and live address spaces are back at
// their baseline at the end — which the kernel prints, before and after.
// TLBRACE_FUZZ_SECONDS sets TestFuzz's length (default 3; make stress: 30).

func fuzzSeconds(t *testing.T) int {
	s := os.Getenv("TLBRACE_FUZZ_SECONDS")
	if s == "" {
		return 3
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("TLBRACE_FUZZ_SECONDS=%q: want a positive number of seconds", s)
	}
	return n
}

// fuzzStat parses the "FUZZ end" line into its counters.
func fuzzStat(r *qemu.Result) map[string]uint64 {
	l, _ := r.Find("FUZZ end ")
	m := map[string]uint64{}
	for _, kv := range statRE.FindAllStringSubmatch(l.Text, -1) {
		n, _ := strconv.ParseUint(kv[2], 10, 64)
		m[kv[1]] = n
	}
	return m
}

// checkClean fails t unless r is a clean fuzz or stress run of who
// ("fuzz" or "stress"): status Pass, no PANIC or BUG line, and the frames
// free after equal to before.
func checkClean(t *testing.T, r *qemu.Result, who string) {
	t.Helper()
	for _, bad := range []string{"PANIC:", "BUG:", "FUZZ-VIOLATION:", "FUZZ-HANG:", "DETECTED:"} {
		if l, ok := r.Find(bad); ok {
			t.Errorf("%s\n%s", l.Text, r)
		}
	}
	after, ok := r.Find(who + ": frames free after: ")
	var a, b int
	if !ok {
		t.Fatalf("no %q line\n%s\n%s", who+": frames free after:", r, tail(r.Text(), 30))
	}
	if _, err := fmt.Sscanf(after.Text, who+": frames free after: %d (before: %d)", &a, &b); err != nil || a != b {
		t.Errorf("%q: frames not back at the baseline\n%s", after.Text, r)
	}
	if r.Status != qemu.Pass {
		t.Fatalf("status %v, want Pass\n%s\n%s", r.Status, r, tail(r.Text(), 30))
	}
	t.Logf("%s", after.Text)
}

// TestFuzz: the fuzzers beside the stress workload (flush=fixed) and
// under breakpoint injection, both arches.
func TestFuzz(t *testing.T) {
	secs := fuzzSeconds(t)
	forArch(t, func(t *testing.T, arch string) {
		r := qemu.RunT(t, qemu.Config{Arch: arch, Timeout: time.Duration(secs)*time.Second + 2*time.Minute,
			Args: []string{"workload=fuzz", "stress=on", "inject=50", "seed=11", fmt.Sprintf("duration=%d", secs)}})
		checkClean(t, r, "fuzz")
		if _, ok := r.Find("fuzz: frames free before: "); !ok {
			t.Errorf("no frames-before line")
		}
		if !r.Contains("stress: result clean flush=fixed") {
			t.Errorf("the stress run beside the fuzzers did not end clean\n%s", tail(r.Text(), 20))
		}
		st := fuzzStat(r)
		for _, k := range []string{"syscalls", "enosys", "efault", "einval", "spawned", "exits", "fault_kills", "killed"} {
			if st[k] == 0 {
				t.Errorf("FUZZ end: %s=0: the fuzzers did not exercise that\n%v", k, st)
			}
		}
		t.Logf("%s, %d s: %d system calls (-ENOSYS %d, -EFAULT %d, -EINVAL %d), %d fuzzers, %d exited, %d killed by their faults, %d by the supervisor",
			arch, secs, st["syscalls"], st["enosys"], st["efault"], st["einval"], st["spawned"], st["exits"], st["fault_kills"], st["killed"])
	})
}

// TestOutOfMemory: frame allocations refused on demand. The task that
// needed the frame gets -ENOMEM from a system call or is killed with a
// report, exec fails cleanly, the kernel survives, nothing leaks.
func TestOutOfMemory(t *testing.T) {
	cases := []struct {
		name, who string
		args      []string
		want      []string // lines (substrings) the run must print
	}{
		// Every 5th frame a fuzzer's fault or call needs is refused.
		{"fuzz-oom", "fuzz", []string{"workload=fuzz", "oom=5", "hz=1000", "seed=2", "duration=1"},
			[]string{"(fuzz): out of memory at ", "KILLED: ", "(fuzz): out of memory"}},
		// 40 frames: no fuzzer even loads; every exec fails and frees what it took.
		{"fuzz-framecap", "fuzz", []string{"workload=fuzz", "framecap=40", "hz=1000", "seed=2", "duration=1"},
			[]string{"exec fuzz: out of memory"}},
		// The stress workload's workers, killed for want of a frame and
		// revived, churn on: no detection, nothing leaked.
		{"stress-oom", "stress", []string{"workload=stress", "flush=fixed", "oom=10", "churn=on", "hz=1000", "seed=3", "duration=1"},
			[]string{"(worker): out of memory at ", "stress: result clean flush=fixed"}},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := qemu.RunT(t, qemu.Config{Arch: arch, Args: c.args, Timeout: 2 * time.Minute})
				checkClean(t, r, c.who)
				for _, w := range c.want {
					if !r.Contains(w) {
						t.Errorf("no line with %q\n%s", w, tail(r.Text(), 30))
					}
				}
				if c.who == "fuzz" {
					st := fuzzStat(r)
					if st["oom_injected"] == 0 {
						t.Errorf("no allocation was refused: %v", st)
					}
					if c.name == "fuzz-oom" && st["enomem"] == 0 {
						t.Errorf("no system call got -ENOMEM: %v", st)
					}
					t.Logf("%s %s: %d allocations refused, %d -ENOMEM, %d tasks killed by faults, %d execs failed",
						arch, strings.Join(c.args[1:], " "), st["oom_injected"], st["enomem"], st["fault_kills"], st["spawn_failures"])
				}
			})
		}
	})
}
