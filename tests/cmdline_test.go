package tests

import (
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// TestBadCommandLine checks that a malformed command line stops boot with
// a message naming the offending word and listing what is valid, printed
// before the usage and again as the last line (so it does not scroll away),
// with the nearest valid spelling of a misspelled name or value.
func TestBadCommandLine(t *testing.T) {
	cases := []struct {
		word string
		want []string // in the last line
	}{
		{"fluhs=racy", []string{`unknown option "fluhs=racy"`, "flush=", "seed=", "did you mean flush=?"}},
		{"flush=rasy", []string{`"rasy"`, "flush=", "fixed", "racy", "did you mean flush=racy?"}},
		{"flush=fast", []string{`"fast"`, "flush=", "fixed", "racy"}},
		{"hz=5", []string{"hz=", "10..100000"}},
		// An option that means nothing with another: both named, and why.
		{"workload=stress scenario=exit kthreads=4", []string{"kthreads=4", "scenario=exit", "no kernel flusher threads"}},
		{"workload=stress caller=racy", []string{"caller=racy", "scenario=kthread"}},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases {
			t.Run(c.word, func(t *testing.T) {
				r := boot(t, arch, 30*time.Second, strings.Fields(c.word)...)
				if r.Status != qemu.BadConfig {
					t.Fatalf("status %v, want BadConfig\n%s", r.Status, r)
				}
				if r.ReadyAt >= 0 {
					t.Errorf("kernel reached ready despite %q", c.word)
				}
				last := lastBeforeExit(r)
				if !strings.HasPrefix(last, "cmdline: ") {
					t.Fatalf("last line before EXIT is %q, want the error\n%s", last, tail(r.Text(), 30))
				}
				for _, w := range c.want {
					if !strings.Contains(last, w) {
						t.Errorf("last line lacks %q: %s", w, last)
					}
				}
				if strings.Contains(c.word, "fast") && strings.Contains(last, "did you mean") {
					t.Errorf("a suggestion for a value far from every valid one: %s", last)
				}
				// The same line came first too, above the usage.
				first, usage := lineIndex(r, "cmdline: "), lineIndex(r, "usage: ")
				if first < 0 || usage < first || r.Lines[first].Text != last {
					t.Errorf("want the error line, the usage, the error line again\n%s", tail(r.Text(), 30))
				}
			})
		}
	})
}

// lineIndex returns the index of the first line starting with prefix, or -1.
func lineIndex(r *qemu.Result, prefix string) int {
	for i, l := range r.Lines {
		if strings.HasPrefix(l.Text, prefix) {
			return i
		}
	}
	return -1
}

// lastBeforeExit returns the last serial line before the kernel's EXIT line.
func lastBeforeExit(r *qemu.Result) string {
	for i := len(r.Lines) - 1; i > 0; i-- {
		if strings.HasPrefix(r.Lines[i].Text, "EXIT ") {
			return r.Lines[i-1].Text
		}
	}
	return ""
}

// TestReadyLineNamesFlushVariant checks the banner states which flush is active.
func TestReadyLineNamesFlushVariant(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		for _, v := range []string{"fixed", "racy"} {
			r := boot(t, arch, 30*time.Second, "flush="+v)
			if !r.OK() {
				t.Fatalf("flush=%s: %s", v, r)
			}
			l, ok := r.Find("tlbrace: ready")
			if !ok || !strings.Contains(l.Text, "flush="+v) {
				t.Errorf("ready line %q does not say flush=%s", l.Text, v)
			}
		}
	})
}

// TestHelpWord: `help` prints every option with its defaults (the
// workload-dependent ones too) and stops with the pass status.
func TestHelpWord(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r := boot(t, arch, 30*time.Second, "help")
		if r.Status != qemu.Pass {
			t.Fatalf("status %v, want Pass\n%s", r.Status, r)
		}
		for _, want := range []string{"usage: IMAGE [option ...]", "hz=10..100000", "; with workload=stress|fuzz: 10000", "help[=on|off]"} {
			if !r.Contains(want) {
				t.Errorf("help output lacks %q\n%s", want, tail(r.Text(), 30))
			}
		}
		if r.Contains("cmdline:") {
			t.Errorf("help is not an error:\n%s", tail(r.Text(), 5))
		}
	})
}
