package rt

import (
	"debug/dwarf"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGLayoutMatchesRuntime builds a tiny program for each kernel
// architecture with the same toolchain that builds the kernel, reads the
// DWARF description of runtime.g from it, and checks that every field G
// mirrors sits at the same offset. A Go upgrade that moves them fails here
// instead of in a triple fault.
func TestGLayoutMatchesRuntime(t *testing.T) {
	for _, arch := range []struct {
		goarch string
		ptr    int64
	}{{"386", 4}, {"amd64", 8}} {
		t.Run(arch.goarch, func(t *testing.T) { checkLayout(t, arch.goarch, arch.ptr) })
	}
}

func checkLayout(t *testing.T, goarch string, ptr int64) {
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "probe")
	cmd := exec.Command("go", "build", "-o", exe, src)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build probe: %v\n%s", err, out)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		t.Fatalf("test binary has no DWARF (built with -ldflags=-w?): %v", err)
	}
	fields, size := structFields(t, d, "runtime.g")
	// rt.G is all uintptrs, so field i sits at i pointer-sizes on either arch.
	want := map[string]int64{
		"stack":       0, // StackLo, StackHi
		"stackguard0": 2,
		"stackguard1": 3,
		"_panic":      4,
		"_defer":      5,
		"m":           6,
	}
	for name, idx := range want {
		got, ok := fields[name]
		if !ok {
			t.Errorf("runtime.g has no field %q any more", name)
			continue
		}
		if got != idx*ptr {
			t.Errorf("runtime.g.%s at offset %d, rt.G has it at %d", name, got, idx*ptr)
		}
	}
	stack, _ := structFields(t, d, "runtime.stack")
	if stack["lo"] != 0 || stack["hi"] != ptr {
		t.Errorf("runtime.stack is no longer {lo, hi}: %v", stack)
	}
	if ourSize := int64(len(G{}.pad)+7) * ptr; ourSize < size {
		t.Errorf("runtime.g is %d bytes, rt.G only %d: runtime reads past it would hit other data", size, ourSize)
	}
}

func structFields(t *testing.T, d *dwarf.Data, name string) (map[string]int64, int64) {
	t.Helper()
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			t.Fatalf("no DWARF type %s", name)
		}
		if e.Tag != dwarf.TagStructType || e.Val(dwarf.AttrName) != name {
			continue
		}
		typ, err := d.Type(e.Offset)
		if err != nil {
			t.Fatal(err)
		}
		st := typ.(*dwarf.StructType)
		m := map[string]int64{}
		for _, f := range st.Field {
			m[f.Name] = f.ByteOffset
		}
		return m, st.ByteSize
	}
}
