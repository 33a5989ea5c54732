package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tlbrace/kernel/user/cpio"
	"tlbrace/kernel/user/elf"
)

const root = "../.." // the module root, from this package's directory

// The footprint budget: the Go linker's output is ~1 MB a program; what
// mkinitrd writes must stay tiny (the kernel copies a program's segments
// at every exec, and QEMU loads the archive into guest RAM).
const (
	maxProgram = 16 << 10
	maxArchive = 64 << 10
)

// wantPrograms is what user/ holds.
var wantPrograms = []string{"badptr", "fuzz", "hello", "kread", "priv", "shoot", "worker"}

// TestArchives builds the initramfs for both architectures and reads it
// back the way the kernel will: the kernel's cpio reader finds each
// program, the kernel's ELF parser accepts it, and it lies in user space.
func TestArchives(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the user programs")
	}
	for arch, info := range arches {
		t.Run(arch, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), arch, "initrd.cpio")
			if _, err := mkinitrd("go", root, arch, out); err != nil {
				t.Fatal(err)
			}
			archive, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d bytes", out, len(archive))
			if len(archive) > maxArchive {
				t.Errorf("the archive is %d bytes, over the %d-byte budget", len(archive), maxArchive)
			}

			// Every entry, in order: the bin directory, then the programs.
			var names []string
			r := cpio.NewReader(archive)
			for {
				e, ok, cerr := r.Next()
				if cerr != nil {
					t.Fatal(message(cerr))
				}
				if !ok {
					break
				}
				names = append(names, string(e.Name))
			}
			want := "bin bin/" + strings.Join(wantPrograms, " bin/")
			if got := strings.Join(names, " "); got != want {
				t.Errorf("entries %q, want %q", got, want)
			}

			for _, prog := range wantPrograms {
				image, cerr := cpio.Lookup(archive, "/bin/"+prog)
				if cerr != nil {
					t.Fatal(message(cerr))
				}
				if len(image) > maxProgram {
					t.Errorf("%s is %d bytes, over the %d-byte budget", prog, len(image), maxProgram)
				}
				f, eerr := elf.Parse(image, info.elf, info.lo, info.hi)
				if eerr != nil {
					t.Fatalf("%s: %s", prog, message(eerr))
				}
				for _, s := range f.Loads() {
					if s.Vaddr < info.lo || s.Vaddr+s.Memsz > info.hi {
						t.Errorf("%s: segment %+v outside user space", prog, s)
					}
				}
				if f.Entry < info.text || f.Entry >= info.hi {
					t.Errorf("%s: entry %#x", prog, f.Entry)
				}
			}

			// Reproducible: a second run gives the same bytes.
			again := filepath.Join(t.TempDir(), "again.cpio")
			if _, err := mkinitrd("go", root, arch, again); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(again); !bytes.Equal(b, archive) {
				t.Error("a second run wrote a different archive")
			}
		})
	}
}

// message renders a kernel-side error (cpio or elf) as a string.
func message(e interface{ Message([]byte) int }) string {
	var buf [256]byte
	return string(buf[:e.Message(buf[:])])
}

// TestErrorsNameTheProgram checks failures say which program and what.
func TestErrorsNameTheProgram(t *testing.T) {
	if _, err := mkinitrd("go", root, "arm64", filepath.Join(t.TempDir(), "x")); err == nil || !strings.Contains(err.Error(), `unknown -arch "arm64"`) {
		t.Errorf("arm64: got %v", err)
	}
	if _, err := mkinitrd("go", t.TempDir(), "386", filepath.Join(t.TempDir(), "x")); err == nil || !strings.Contains(err.Error(), "listing user programs") {
		t.Errorf("no user/: got %v", err)
	}
	if testing.Short() {
		return
	}
	// A module with one program that does not compile.
	dir := t.TempDir()
	write := func(name, text string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module broken\n\ngo 1.26\n")
	write("user/oops/main.go", "package main\n\nfunc main() { undefined() }\n")
	out := filepath.Join(dir, "initrd.cpio")
	_, err := mkinitrd("go", dir, "amd64", out)
	if err == nil || !strings.Contains(err.Error(), "building oops for amd64") || !strings.Contains(err.Error(), "undefined") {
		t.Errorf("broken program: got %v", err)
	}
	// One that compiles but has no main.start: the linker refuses -E.
	write("user/oops/main.go", "package main\n\nfunc main() {}\n")
	if _, err := mkinitrd("go", dir, "amd64", out); err == nil || !strings.Contains(err.Error(), "building oops for amd64") {
		t.Errorf("no main.start: got %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an archive was written despite the errors")
	}
}
