// Tests for the Result helpers.
package qemu

import (
	"strings"
	"testing"
)

func TestResultHelpers(t *testing.T) {
	r := result(Panic, "boot", "tlbrace: ready", "PANIC: double fault", "PANIC: again")
	if l, ok := r.Find("PANIC:"); !ok || l.Text != "PANIC: double fault" {
		t.Errorf("Find = %+v, %v; want the first match", l, ok)
	}
	if _, ok := r.Find("nope"); ok {
		t.Errorf("Find(nope) matched")
	}
	if !r.Contains("double") || r.Contains("ready\nPANIC") {
		t.Errorf("Contains must match within single lines")
	}
	if r.Text() != "boot\ntlbrace: ready\nPANIC: double fault\nPANIC: again\n" {
		t.Errorf("Text() = %q", r.Text())
	}
	if r.OK() || (*Result)(nil).OK() || !result(Pass).OK() || result(Stopped).OK() {
		t.Errorf("OK() must hold for Pass only")
	}
	s := r.String()
	for _, want := range []string{"Panic", "cd /repo && ./qemu.sh -a 386", "log: /tmp/x.log"} {
		if !strings.Contains(s, want) {
			t.Errorf("String() lacks %q:\n%s", want, s)
		}
	}
}
