package main

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// TestGeneratedUpToDate: the committed kernel/smp/trampoline_gen.go is
// exactly what boot/trampoline/ap.S assembles to (run from the repository
// root, as make does).
func TestGeneratedUpToDate(t *testing.T) {
	if _, err := exec.LookPath("as"); err != nil {
		t.Skip("no GNU as: make deps installs binutils")
	}
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	code, err := assemble(source)
	if err != nil {
		t.Fatal(err)
	}
	want, err := goSource(source, code)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run make trampoline", output)
	}
}
