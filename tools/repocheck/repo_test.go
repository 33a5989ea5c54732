package repocheck

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot returns the top of the git work tree holding this package, or
// skips the test when there is none (an unpacked archive, not a clone).
func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git work tree (%v): nothing to check", err)
	}
	return strings.TrimSpace(string(out))
}

// TestTrackedFilesStayInside runs Check over every file git tracks, and
// checks that no tracked symbolic link points outside the repository.
func TestTrackedFilesStayInside(t *testing.T) {
	root := repoRoot(t)
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(files) < 10 {
		t.Fatalf("git ls-files listed only %d files", len(files))
	}
	checked := 0
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		fi, err := os.Lstat(p)
		if os.IsNotExist(err) {
			continue // deleted in the work tree, not yet committed
		} else if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, fd := range Check(f, []byte(target)) {
				t.Errorf("symbolic link %s -> %s: %s", f, target, fd.Reason)
			}
			if filepath.IsAbs(target) {
				t.Errorf("symbolic link %s -> %s: an absolute target", f, target)
			}
			continue
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		content, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(content, 0) < 0 {
			checked++
		}
		for _, fd := range Check(f, content) {
			t.Error(fd)
		}
	}
	t.Logf("%d tracked files, %d text files checked", len(files), checked)
}
