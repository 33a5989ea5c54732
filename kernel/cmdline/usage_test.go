// Host tests for Usage, Describe and WantsTest.
package cmdline

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	var buf [512]byte
	o := defaults()
	want := "flush=fixed seed=1 hz=1000 sched=rr workload=none fault=none quiet=off duration=0 lockup=100 " +
		"checkcr3=off inject=0 trace=64 users=3 kthreads=2 churn=off steer=off keepgoing=off hang=5 explore=6 fuzzers=4 stress=off oom=0 framecap=0 bench=none shootdown=fixed maxcpus=4 silentcpu=0 help=off"
	if got := string(buf[:o.Describe(buf[:])]); got != want {
		t.Errorf("defaults:\n got %s\nwant %s", got, want)
	}

	o, err := Parse(image + "test=tlb* flush=racy seed=0x10 quiet fault=gpf churn=on")
	if err != nil {
		t.Fatal(message(err))
	}
	got := string(buf[:o.Describe(buf[:])])
	if !strings.HasPrefix(got, "test=tlb* flush=racy seed=16 ") || !strings.Contains(got, " quiet=on ") ||
		!strings.Contains(got, " fault=gpf ") || !strings.Contains(got, " churn=on ") {
		t.Errorf("Describe = %s", got)
	}
	// What Describe prints parses back to the same options.
	again, err := Parse(image + got)
	if err != nil || again != o {
		t.Errorf("round trip: %+v, %v\nwant %+v", again, err, o)
	}
	// A short buffer truncates safely.
	if n := o.Describe(buf[:10]); n != 10 || string(buf[:n]) != got[:10] {
		t.Errorf("Describe into 10 bytes: %q", buf[:n])
	}
}

func TestUsage(t *testing.T) {
	var buf [UsageMax]byte
	n := Usage(buf[:])
	text := string(buf[:n])
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 1+len(table) || n >= UsageMax {
		t.Errorf("Usage: %d lines, %d bytes:\n%s", len(lines), n, text)
	}
	for _, want := range []string{
		"  test=NAME,...            kernel tests to run: all, or comma-separated names (name* matches a prefix); empty runs none (default: none)",
		"  flush=fixed|racy|modern  TLB flush protocol: fixed (the primitive guards), racy (nothing does), modern (callers guard) (default: fixed)",
		"  scenario=kthread|exit|caller stress, explore: who borrows an mm and flushes (2004, 2016, 2018) (default: kthread)",
		"  hz=10..100000            mean timer interrupt rate, per second (default: 1000; with workload=stress|fuzz: 10000)",
		"  quiet[=on|off]           print less: no boot details, no per-second STAT lines (default: off)",
		"  seed=N                   seed for all pseudo-random choices (default: 1)",
		"  fault=none|nil|bounds|stackoverflow|divide|gpf|breakpoint|guardpage deliberate fault at boot, for the fault tests (default: none)",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("Usage lacks line %q:\n%s", want, text)
		}
	}
	if n := Usage(buf[:100]); n != 100 || string(buf[:n]) != text[:100] {
		t.Errorf("Usage into 100 bytes: %q", buf[:n])
	}
}

func TestWantsTest(t *testing.T) {
	tests := []struct {
		test, name string
		want       bool
	}{
		{"", "tlb", false},
		{"all", "tlb", true},
		{"tlb", "tlb", true},
		{"tlb", "tlb_flush", false},
		{"tlb", "tl", false},
		{"tlb*", "tlb", true},
		{"tlb*", "tlb_flush", true},
		{"tlb*", "tl", false},
		{"*", "anything", true},
		{"sched,tlb_flush", "tlb_flush", true},
		{"sched,tlb_flush", "sched", true},
		{"sched,tlb_flush", "tlb", false},
		{"a,all", "zzz", true},
		{"a*,b", "b", true},
		{"a*,b", "ab", true},
		{"a*,b", "ba", false},
	}
	for _, tt := range tests {
		o, err := Parse(image + "test=" + tt.test)
		if err != nil {
			t.Fatal(message(err))
		}
		if got := o.WantsTest(tt.name); got != tt.want {
			t.Errorf("test=%s: WantsTest(%q) = %v, want %v", tt.test, tt.name, got, tt.want)
		}
	}
}
