// annotations_test.go: finding //audit: lines in Go source and naming the
// functions they annotate the way the linker does.

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates files (path → content) under a new temporary root.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestLoadAnnotations(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod": "module tlbrace\n\ngo 1.26\n",
		"kernel/mm/tlb.go": `package mm

// flushTLBRacy is the original.
//
//go:noinline
//audit:known-racy the 2.6.10-rc2 original
func flushTLBRacy() {}

type MM struct{}

// Drop drops.
//
//audit:irqs-off   repairs with interrupts off
func (m *MM) Drop() {}

//audit:irqs-off value receiver
func (m MM) Peek() {}

// Plain has no annotation.
func Plain() {}
`,
		"kernel/mm/tlb_test.go": "package mm\n\n//audit:bogus ignored: a test file\nfunc helper() {}\n",
		"boot/main.go":          "package main\n\n//audit:irqs-off the entry\nfunc rt0()\n\nfunc main() {}\n",
		"build/x.go":            "package x\n\n//audit:bogus ignored: build/ is skipped\nfunc f() {}\n",
	})
	ann, err := loadAnnotations(root)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"tlbrace/kernel/mm.flushTLBRacy": KnownRacy + " the 2.6.10-rc2 original",
		"tlbrace/kernel/mm.(*MM).Drop":   IRQsOff + " repairs with interrupts off",
		"tlbrace/kernel/mm.MM.Peek":      IRQsOff + " value receiver",
		"main.rt0":                       IRQsOff + " the entry",
	}
	if len(ann) != len(want) {
		t.Errorf("got %d annotations, want %d: %v", len(ann), len(want), ann)
	}
	for sym, w := range want {
		if a := ann[sym]; a.Kind+" "+a.Reason != w {
			t.Errorf("%s: %q, want %q", sym, a.Kind+" "+a.Reason, w)
		}
	}
	if pos := ann["tlbrace/kernel/mm.flushTLBRacy"].Pos; pos != "kernel/mm/tlb.go:6" {
		t.Errorf("position %q, want kernel/mm/tlb.go:6", pos)
	}
}

func TestBadAnnotations(t *testing.T) {
	for name, src := range map[string]string{
		"unknown kind":    "//audit:irq-off typo\nfunc f() {}\n",
		"no reason":       "//audit:known-racy\nfunc f() {}\n",
		"detached":        "//audit:irqs-off a blank line cuts it off\n\nfunc f() {}\n",
		"inside a body":   "func f() {\n\t//audit:irqs-off not a doc comment\n}\n",
		"on a variable":   "//audit:irqs-off not a function\nvar v int\n",
		"annotated twice": "//audit:irqs-off one\n//audit:known-racy two\nfunc f() {}\n",
	} {
		root := writeTree(t, map[string]string{
			"go.mod":      "module tlbrace\n",
			"kernel/k.go": "package kernel\n\n" + src,
		})
		if _, err := loadAnnotations(root); err == nil || !strings.Contains(err.Error(), "kernel/k.go:") {
			t.Errorf("%s: error %v, want one naming kernel/k.go:LINE", name, err)
		}
	}
}

func TestFindModuleRoot(t *testing.T) {
	root := writeTree(t, map[string]string{"go.mod": "module tlbrace\n", "a/b/c.go": "package b\n"})
	got, err := findModuleRoot(filepath.Join(root, "a", "b"))
	if err != nil || got != root {
		t.Errorf("findModuleRoot = %q, %v; want %q", got, err, root)
	}
}
