package elf

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// programs are the user programs under user/ (see tools/mkinitrd).
var programs = []string{"badptr", "hello", "kread", "priv", "worker"}

// buildUser builds user/<prog> for arch with the flags tools/mkinitrd
// uses (stripped unless full is set) and returns the ELF image.
func buildUser(t *testing.T, prog string, arch Arch, full bool) []byte {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the user programs")
	}
	goarch, text := "amd64", "0x8000001000"
	if arch == I386 {
		goarch, text = "386", "0x40001000"
	}
	ldflags := "-s -w -E main.start -T " + text
	if full {
		ldflags = ldflags[len("-s -w "):]
	}
	out := filepath.Join(t.TempDir(), prog)
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", out, "-ldflags="+ldflags, "./user/"+prog)
	cmd.Dir = "../../.." // the module root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s for %s: %v\n%s", prog, goarch, err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRealPrograms parses every user program, stripped and not, and
// compares the result with the standard library's debug/elf.
func TestRealPrograms(t *testing.T) {
	for _, arch := range []Arch{I386, AMD64} {
		lo, hi := userRange(arch)
		for _, prog := range programs {
			for _, full := range []bool{false, true} {
				image := buildUser(t, prog, arch, full)
				f, err := Parse(image, arch, lo, hi)
				if err != nil {
					t.Errorf("%s (arch %d, full %v): %s", prog, arch, full, message(err))
					continue
				}
				std, serr := elf.NewFile(bytes.NewReader(image))
				if serr != nil {
					t.Fatal(serr)
				}
				var want []Segment
				for _, p := range std.Progs {
					if p.Type == elf.PT_LOAD {
						want = append(want, Segment{Vaddr: p.Vaddr, Memsz: p.Memsz, Filesz: p.Filesz, Offset: p.Off, Flags: uint32(p.Flags)})
					}
				}
				if f.Entry != std.Entry || !equal(f.Loads(), want) {
					t.Errorf("%s (arch %d): got entry %#x %+v\nwant entry %#x %+v", prog, arch, f.Entry, f.Loads(), std.Entry, want)
				}
				// The other architecture's kernel must refuse it.
				other := AMD64 + I386 - arch
				olo, ohi := userRange(other)
				if _, err := Parse(image, other, olo, ohi); err == nil || err.Problem != WrongClass {
					t.Errorf("%s (arch %d) accepted as arch %d", prog, arch, other)
				}
				if !full {
					t.Logf("%s for arch %d: %d bytes, entry %#x, %d PT_LOAD", prog, arch, len(image), f.Entry, f.NSegments)
				}
			}
		}
	}
}

func equal(a, b []Segment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRealTruncated cuts a real program at every length: Parse must
// report every one (the section check sees even the last byte missing).
func TestRealTruncated(t *testing.T) {
	for _, arch := range []Arch{I386, AMD64} {
		image := buildUser(t, "hello", arch, false)
		lo, hi := userRange(arch)
		for n := 0; n < len(image); n++ {
			if _, err := Parse(image[:n], arch, lo, hi); err == nil {
				t.Fatalf("arch %d: hello cut to %d of %d bytes was accepted", arch, n, len(image))
			} else if m := message(err); strings.Contains(m, "%!") {
				t.Fatalf("arch %d, %d bytes: bad message %q", arch, n, m)
			}
		}
	}
}
