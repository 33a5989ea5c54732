// Tests for shell quoting, including a round trip through a real shell.
package qemu

import (
	"os/exec"
	"strings"
	"testing"
)

func TestShellQuote(t *testing.T) {
	cases := map[string]string{
		"flush=racy":    "flush=racy",
		"./qemu.sh":     "./qemu.sh",
		"a b":           "'a b'",
		"":              "''",
		"it's":          `'it'\''s'`,
		"$HOME":         "'$HOME'",
		"~x":            "'~x'",
		"-q":            "-q",
		"a*b":           "'a*b'",
		"x;rm -rf /":    "'x;rm -rf /'",
		"build/386/k.e": "build/386/k.e",
	}
	for in, want := range cases {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestShellJoinRoundTrip(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	words := []string{"a b", "it's", "", "$HOME", "`x`", "tab\there", "new\nline", "plain"}
	out, err := exec.Command(sh, "-c", `for w in `+shellJoin(words)+`; do printf '%s\0' "$w"; done`).Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if strings.Join(got, "|") != strings.Join(words, "|") {
		t.Errorf("round trip through sh: got %q, want %q", got, words)
	}
}
