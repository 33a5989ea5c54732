// main_test.go: the command as a whole: files written, summary printed,
// stdin accepted, errors reported.

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWritesFiles(t *testing.T) {
	dir := t.TempDir()
	svg, js := filepath.Join(dir, "race.svg"), filepath.Join(dir, "race.json")
	var out bytes.Buffer
	if err := run(samplePath, svg, js, "", false, -1, &out); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{svg, js} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", p, err)
		}
	}
	for _, want := range []string{"DETECTED:", "CR3 != belief from tick", "1. tick", "wrote " + svg, "wrote " + js} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunStdin(t *testing.T) {
	f, err := os.Open(livePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = saved }()
	var out bytes.Buffer
	if err := run("-", "", "", "", true, -1, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "<stdin>: 64 trace records") {
		t.Errorf("summary:\n%s", out.String())
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "clean.log")
	os.WriteFile(bad, []byte("tlbrace: ready arch=386\nEXIT 0\n"), 0o644)
	err := run(bad, "", "", "", false, -1, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "no TRACE-RAW block") {
		t.Errorf("run on a clean log: %v", err)
	}
	if err := run(filepath.Join(dir, "missing.log"), "", "", "", false, -1, &bytes.Buffer{}); err == nil {
		t.Errorf("no error for a missing file")
	}
}
