// prove.go: make grade-proof — a grader that cannot fail is a defect.
// This tree (the reference solution) must score full marks in every lab,
// and each lab's starter must score less, every failing test naming the
// piece of the solution it checks.

package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func prove(ctx context.Context, root string, sel []*Lab, arches []string, w io.Writer) error {
	start := time.Now()
	logs := filepath.Join(root, "build", "grade-logs")
	var problems []string
	fmt.Fprintf(w, "grade-proof: the reference solution (this tree) must score full marks\n")
	g := &Grader{Root: root, Arches: arches, LogDir: filepath.Join(logs, "reference"), Out: w}
	for _, l := range sel {
		if got, max := score(g.Grade(ctx, l)); got != max {
			problems = append(problems, fmt.Sprintf("lab %s: the reference solution scores %d/%d, not full marks", l.Name, got, max))
		}
	}
	for _, l := range sel {
		fmt.Fprintf(w, "grade-proof: the starter of lab %s must score less, each failure naming what is missing\n", l.Name)
		dir, err := os.MkdirTemp("", "tlbrace-starter-"+l.Name+"-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if err := copyTree(root, dir); err != nil {
			return fmt.Errorf("copying the tree for the starter of lab %s: %v", l.Name, err)
		}
		if _, err := applyStarter(dir, l.Name); err != nil {
			return err
		}
		sg := &Grader{Root: dir, Arches: arches, LogDir: filepath.Join(logs, "starter-"+l.Name), Out: w}
		outs := sg.Grade(ctx, l)
		got, max := score(outs)
		if got >= max {
			problems = append(problems, fmt.Sprintf("lab %s: the grader cannot fail: the starter scores %d/%d", l.Name, got, max))
		}
		for _, o := range outs {
			if !o.OK && (o.Reason == "" || o.Checks == "") {
				problems = append(problems, fmt.Sprintf("lab %s, test %s: fails in the starter without saying why or what it checks", l.Name, o.Test))
			}
		}
		fmt.Fprintf(w, "grade-proof: the starter of lab %s scores %d/%d\n", l.Name, got, max)
	}
	fmt.Fprintf(w, "grade-proof: %.0fs\n", time.Since(start).Seconds())
	if len(problems) > 0 {
		return fmt.Errorf("grade-proof failed:\n  %s", strings.Join(problems, "\n  "))
	}
	fmt.Fprintf(w, "grade-proof: ok: full marks on the reference, less on every starter\n")
	return nil
}

// copyTree copies the source tree at root to dir: the files git knows of
// (tracked, and untracked ones it does not ignore), or, outside a git work
// tree, everything but build output and hidden directories.
func copyTree(root, dir string) error {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	var files []string
	if err == nil {
		for _, f := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
	} else {
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "build") {
					return filepath.SkipDir
				}
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, f := range files {
		src := filepath.Join(root, filepath.FromSlash(f))
		fi, err := os.Lstat(src)
		if os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			t, err := os.Readlink(src)
			if err != nil {
				return err
			}
			if err := os.Symlink(t, dst); err != nil {
				return err
			}
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}
