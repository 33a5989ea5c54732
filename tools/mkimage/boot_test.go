// Integration test: build the real image and boot it in QEMU from the disk
// (no -kernel): BIOS → GRUB → the default entry, set with -default to an
// arch's test=all entry. The kernel must print its ready line, pass every
// in-kernel test and exit through isa-debug-exit with status 1. And the
// image's own default entry must catch the race in plain QEMU. Skips, with
// the reason, when GRUB, QEMU or the built kernels are missing.
package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// repoBuild is the kernels' build directory, seen from this package.
const repoBuild = "../../build"

var summary = regexp.MustCompile(`(?m)^ktest: ([0-9]+) passed, 0 failed\r?$`)

// needImageTools skips the test unless GRUB and both built kernels are there.
func needImageTools(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("boots QEMU; skipped with -short")
	}
	if miss := missingGrub(defaultGrubDir); miss != "" {
		t.Skipf("GRUB missing (%s): apt-get install grub-pc-bin grub-common", miss)
	}
	for _, a := range arches {
		for _, f := range []string{"kernel.elf", "initrd.cpio"} {
			if _, err := os.Stat(filepath.Join(repoBuild, a, f)); err != nil {
				t.Skipf("no %s/%s: run make build-all first", a, f)
			}
		}
	}
}

func TestBootImage(t *testing.T) {
	needImageTools(t)
	for _, c := range []struct{ arch, qemu string }{
		{"amd64", "qemu-system-x86_64"},
		{"386", "qemu-system-i386"},
	} {
		t.Run(c.arch, func(t *testing.T) {
			if _, err := exec.LookPath(c.qemu); err != nil {
				t.Skipf("%s not installed (apt-get install qemu-system-x86)", c.qemu)
			}
			img := filepath.Join(t.TempDir(), "tlbrace.img")
			var log bytes.Buffer
			if err := run([]string{"-o", img, "-build", repoBuild, "-default", c.arch + "-test"}, &log); err != nil {
				t.Fatalf("mkimage: %v\n%s", err, log.String())
			}
			out, status := bootDisk(t, c.qemu, img)
			problem := ""
			switch {
			case !strings.Contains(out, "tlbrace: ready"):
				problem = "no 'tlbrace: ready' line"
			case summary.FindStringSubmatch(out) == nil || summary.FindStringSubmatch(out)[1] == "0":
				problem = "no 'ktest: N passed, 0 failed' line with N > 0"
			case status != 1:
				problem = "QEMU exit status is not 1 (pass)"
			case strings.TrimSpace(out[:strings.Index(out, "tlbrace")]) != "":
				problem = "something wrote to COM1 before the kernel (GRUB?)"
			}
			if problem != "" {
				t.Errorf("%s: %s; exit status %d; serial output:\n%s", c.arch, problem, status, indent(out))
			}
		})
	}
}

// TestBootImageDefaultShowsRace boots the image as a user would — no
// -default, plain QEMU without -icount — and expects the default entry to
// catch the race: a DETECTED line, then QEMU status 3 (the kernel's "test
// failed", which is what a detection is).
func TestBootImageDefaultShowsRace(t *testing.T) {
	needImageTools(t)
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		t.Skip("qemu-system-x86_64 not installed (apt-get install qemu-system-x86)")
	}
	img := filepath.Join(t.TempDir(), "tlbrace.img")
	var log bytes.Buffer
	if err := run([]string{"-o", img, "-build", repoBuild, "-timeout", "0"}, &log); err != nil {
		t.Fatalf("mkimage: %v\n%s", err, log.String())
	}
	out, status := bootDisk(t, "qemu-system-x86_64", img)
	switch {
	case !strings.Contains(out, "inject=50"):
		t.Errorf("the default entry does not run with injection; serial output:\n%s", indent(out))
	case !strings.Contains(out, "\nDETECTED: "):
		t.Errorf("the default entry did not catch the race in plain QEMU; exit status %d; serial output:\n%s", status, indent(out))
	case status != 3:
		t.Errorf("QEMU exit status %d after the detection, want 3; serial output:\n%s", status, indent(out))
	}
}

// bootDisk boots img as the only disk, with the flags of the task
// description, for at most 60 s; it returns COM1's output and QEMU's exit
// status (-1 if it did not exit by itself).
func bootDisk(t *testing.T, qemu, img string) (string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu,
		"-drive", "file="+img+",format=raw",
		"-display", "none", "-serial", "stdio", "-no-reboot",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "64M")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Errorf("QEMU still running after 60 s; stderr: %s", errb.String())
		return out.String(), -1
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode()
	default:
		t.Fatalf("%s: %v", qemu, err)
		return "", -1
	}
}

// indent prefixes each line so kernel lines in a failure log are not read
// as this test run's own summary lines.
func indent(s string) string {
	return "  | " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  | ")
}
