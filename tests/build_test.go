package tests

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestConcurrentBuildsAreAtomic runs two `make build ARCH=amd64` at once
// in a copy of the tree (go test runs packages in parallel, and several of
// them run `make build` while others boot the kernel), with a reader
// opening build/amd64/kernel.elf and initrd.cpio as fast as it can, the
// way QEMU would. Every version the reader sees must be a finished one:
// builds are reproducible, so that is the very bytes the builds end with —
// never a half-written file, nor a kernel whose Multiboot header mbpatch
// has not filled in yet.
func TestConcurrentBuildsAreAtomic(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not building kernels")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	dir := t.TempDir()
	if err := copySources("..", dir); err != nil {
		t.Fatal(err)
	}
	artifacts := []string{
		filepath.Join(dir, "build", "amd64", "kernel.elf"),
		filepath.Join(dir, "build", "amd64", "initrd.cpio"),
	}

	stop := make(chan struct{})
	seen := make([]map[[32]byte]int, len(artifacts)) // hash -> times read
	var reader sync.WaitGroup
	reader.Add(1)
	go func() {
		defer reader.Done()
		for i := range seen {
			seen[i] = map[[32]byte]int{}
		}
		for {
			select {
			case <-stop:
				return
			default:
			}
			for i, path := range artifacts {
				if b, err := os.ReadFile(path); err == nil {
					seen[i][sha256.Sum256(b)]++
				}
			}
		}
	}()

	const builds = 2
	outs := make([][]byte, builds)
	errs := make([]error, builds)
	var wg sync.WaitGroup
	for i := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command("make", "-s", "build", "ARCH=amd64")
			cmd.Dir = dir
			outs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	time.Sleep(10 * time.Millisecond) // let the reader see the final files too
	close(stop)
	reader.Wait()
	for i := range builds {
		if errs[i] != nil {
			t.Fatalf("make build #%d: %v\n%s", i, errs[i], outs[i])
		}
	}

	for i, path := range artifacts {
		final, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := sha256.Sum256(final)
		reads := 0
		for h, n := range seen[i] {
			reads += n
			if h != want {
				t.Errorf("%s: read %d time(s) in a state the builds did not end in (half-written, or not yet patched)", filepath.Base(path), n)
			}
		}
		if reads == 0 {
			t.Errorf("%s: the reader never found it", filepath.Base(path))
		}
		t.Logf("%s: read %d times while building, %d distinct version(s)", filepath.Base(path), reads, len(seen[i]))
	}

	// The final kernel is a whole ELF with a completed Multiboot header.
	if _, err := elf.NewFile(bytes.NewReader(mustRead(t, artifacts[0]))); err != nil {
		t.Errorf("kernel.elf: %v", err)
	}
	check := exec.Command("go", "run", "./tools/mbpatch", "-check", artifacts[0])
	check.Dir = dir
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("mbpatch -check: %v\n%s", err, out)
	}
	// Nothing is left behind: no temporary files beside the targets.
	left, _ := filepath.Glob(filepath.Join(dir, "build", "amd64", "*"))
	if len(left) != len(artifacts) {
		t.Errorf("build/amd64 holds %q, want only kernel.elf and initrd.cpio", left)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// copySources copies the tree at src to dst, without .git and build/.
func copySources(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if rel != "." && (d.Name() == ".git" || rel == "build") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || d.Name() == ".git" { // a worktree's .git is a file
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(filepath.Join(dst, rel), os.O_CREATE|os.O_WRONLY|os.O_EXCL, info.Mode().Perm())
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		return errors.Join(err, out.Close())
	})
}
