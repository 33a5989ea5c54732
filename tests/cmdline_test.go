package tests

import (
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// TestBadCommandLine checks that a malformed command line stops boot with
// a message naming the offending word and listing what is valid.
func TestBadCommandLine(t *testing.T) {
	cases := []struct {
		word string
		want []string
	}{
		{"fluhs=racy", []string{`unknown option "fluhs=racy"`, "flush=", "seed="}},
		{"flush=fast", []string{`"fast"`, "flush=", "fixed", "racy"}},
		{"hz=5", []string{"hz=", "10..100000"}},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases {
			t.Run(c.word, func(t *testing.T) {
				r := boot(t, arch, 30*time.Second, c.word)
				if r.Status != qemu.BadConfig {
					t.Fatalf("status %v, want BadConfig\n%s", r.Status, r)
				}
				if r.ReadyAt >= 0 {
					t.Errorf("kernel reached ready despite %q", c.word)
				}
				for _, w := range c.want {
					if !r.Contains(w) {
						t.Errorf("output lacks %q\n%s", w, tail(r.Text(), 30))
					}
				}
			})
		}
	})
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
