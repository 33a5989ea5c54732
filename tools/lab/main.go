// Command lab is tlbrace's labs: the starter of each lab, and its grader.
//
//	go run ./tools/lab list              the labs, their regions, their graded tests
//	go run ./tools/lab check             regions well-formed; every lab has regions, a grader and a handout
//	go run ./tools/lab starter LAB [DIR] replace LAB's regions by their stubs in the tree at DIR, in place
//	go run ./tools/lab new LAB           make lab: branch lab-LAB holding the starter, committed
//	go run ./tools/lab grade [LAB]       make grade: the graded tests and the score; exit 1 below the maximum
//	go run ./tools/lab prove [LAB]       make grade-proof: full marks here, less on each starter
//
// A lab is a set of regions of the kernel's source marked //lab:NAME (see
// regions.go), a handout (docs/labs/NAME.md) and graded tests (labs.go),
// which boot the kernel through the QEMU harness (tools/qemu), each within
// its time limit. The reference solution is the code in the regions: the
// code everyone else runs. The starter replaces each region by the stub
// written beside it, and always compiles.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

func usage() {
	fmt.Fprint(os.Stderr, `usage: go run ./tools/lab COMMAND [LAB] (labs: `+labNames()+`)
  list              the labs, their regions and their graded tests
  check             every region well-formed; every lab has regions, a grader and a handout
  starter LAB [DIR] replace LAB's regions by their stubs in the tree at DIR (default: this one), in place
  new LAB           (make lab LAB=...) branch lab-LAB with the starter, committed; refuses uncommitted work
  grade [LAB]       (make grade [LAB=...]) run the graded tests, print the score; exit 1 below the maximum
  prove [LAB]       (make grade-proof) full marks on this tree, less on each lab's starter
flags (before COMMAND): -arch 386,amd64 (the architectures graded), -logs DIR
`)
	os.Exit(2)
}

func main() {
	log := flag.String("logs", "", "directory for the serial logs of failed runs (default: build/grade-logs)")
	archFlag := flag.String("arch", "386,amd64", "grade and prove: the architectures, comma-separated")
	flag.Usage = usage
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		usage()
	}
	root, err := findRoot()
	if err != nil {
		die("%v", err)
	}
	arches := strings.Split(*archFlag, ",")
	for _, a := range arches {
		if a != "386" && a != "amd64" {
			die("-arch %s: want 386, amd64 or both", *archFlag)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch args[0] {
	case "list":
		list(root, os.Stdout)
	case "check":
		if err := check(root); err != nil {
			die("%v", err)
		}
		fmt.Println("lab check: every region well-formed; every lab has regions, graded tests and a handout")
	case "starter":
		if len(args) < 2 || len(args) > 3 {
			usage()
		}
		dir := root
		if len(args) == 3 {
			dir = args[2]
		}
		mustLab(args[1])
		files, err := applyStarter(dir, args[1])
		if err != nil {
			die("%v", err)
		}
		fmt.Printf("lab %s: the starter in %s (%s)\n", args[1], dir, strings.Join(files, ", "))
	case "new":
		if len(args) != 2 {
			usage()
		}
		mustLab(args[1])
		if err := newLab(root, args[1], os.Stdout); err != nil {
			die("%v", err)
		}
	case "grade":
		sel := selected(args)
		logs := *log
		if logs == "" {
			logs = filepath.Join(root, "build", "grade-logs")
		}
		g := &Grader{Root: root, Arches: arches, LogDir: logs, Out: os.Stdout}
		got, max := 0, 0
		start := time.Now()
		for _, l := range sel {
			n, m := score(g.Grade(ctx, l))
			got, max = got+n, max+m
		}
		fmt.Printf("Score: %d/%d  (%.0fs)\n", got, max, time.Since(start).Seconds())
		if got < max {
			os.Exit(1)
		}
	case "prove":
		if err := prove(ctx, root, selected(args), arches, os.Stdout); err != nil {
			die("%v", err)
		}
	default:
		usage()
	}
}

func selected(args []string) []*Lab {
	if len(args) < 2 || args[1] == "" {
		return labs
	}
	return []*Lab{mustLab(args[1])}
}

func mustLab(name string) *Lab {
	l := labNamed(name)
	if l == nil {
		die("no lab %q (labs: %s)", name, labNames())
	}
	return l
}

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "lab: "+format+"\n", args...)
	os.Exit(1)
}

// findRoot is the directory above the working directory whose go.mod
// declares module tlbrace.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), "module tlbrace") {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("not inside the tlbrace repository (no go.mod of module tlbrace above here)")
		}
		dir = up
	}
}

// list prints the labs with their regions and tests.
func list(root string, w io.Writer) {
	regions, err := scanTree(root)
	if err != nil {
		die("%v", err)
	}
	for _, l := range labs {
		fmt.Fprintf(w, "%s: %s (docs/labs/%s.md)\n", l.Name, l.Title, l.Name)
		for _, r := range regions {
			if r.Lab == l.Name {
				fmt.Fprintf(w, "  region %s\n", r)
			}
		}
		total := 0
		for _, t := range l.Tests {
			fmt.Fprintf(w, "  test %-26s %3d points, %v limit: %s\n", t.Name, t.Points, t.Limit, t.Checks)
			total += t.Points
		}
		fmt.Fprintf(w, "  %d points\n", total)
	}
}

// check is what the tests also check: regions parse, every lab has
// regions, tests, a handout naming each test, and every test names a
// function that holds one of its lab's regions.
func check(root string) error {
	regions, err := scanTree(root)
	if err != nil {
		return err
	}
	funcs := map[string]map[string]bool{}
	for _, r := range regions {
		if labNamed(r.Lab) == nil {
			return fmt.Errorf("%s: region of lab %q, which has no grader (labs: %s)", r, r.Lab, labNames())
		}
		if funcs[r.Lab] == nil {
			funcs[r.Lab] = map[string]bool{}
		}
		funcs[r.Lab][r.Func] = true
	}
	for _, l := range labs {
		if len(funcs[l.Name]) == 0 {
			return fmt.Errorf("lab %s has no regions (//lab:%s begin ... stub ... end)", l.Name, l.Name)
		}
		handout, err := os.ReadFile(filepath.Join(root, "docs", "labs", l.Name+".md"))
		if err != nil {
			return fmt.Errorf("lab %s has no handout: %v", l.Name, err)
		}
		for _, t := range l.Tests {
			if !strings.Contains(string(handout), "`"+t.Name+"`") {
				return fmt.Errorf("docs/labs/%s.md does not describe the graded test `%s`", l.Name, t.Name)
			}
			names, _, _ := strings.Cut(t.Checks, ":")
			for _, fn := range strings.Split(names, ",") {
				if fn = strings.TrimSpace(fn); !funcs[l.Name][fn] {
					return fmt.Errorf("lab %s, test %s checks %q, which holds no region of the lab", l.Name, t.Name, fn)
				}
			}
		}
	}
	return nil
}

// newLab is make lab: on a clean work tree, branch lab-NAME from HEAD,
// put the starter in, commit it and tag the commit lab-NAME-starter.
func newLab(root, lab string, w io.Writer) error {
	git := func(args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			return string(out), fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out), nil
	}
	if _, err := git("rev-parse", "--verify", "HEAD"); err != nil {
		return fmt.Errorf("make lab needs a git repository with a commit: %v", err)
	}
	st, err := git("status", "--porcelain", "--untracked-files=normal")
	if err != nil {
		return err
	}
	if strings.TrimSpace(st) != "" {
		return fmt.Errorf("make lab: not touching uncommitted work. Commit or stash it first (git stash -u), then run make lab again:\n%s", st)
	}
	branch, tag := "lab-"+lab, "lab-"+lab+"-starter"
	if _, err := git("rev-parse", "--verify", "--quiet", "refs/heads/"+branch); err == nil {
		return fmt.Errorf("make lab: branch %s exists already: `git switch %s` to go on with it, or `git branch -D %s && git tag -d %s` to start over", branch, branch, branch, tag)
	}
	if _, err := git("rev-parse", "--verify", "--quiet", "refs/tags/"+tag); err == nil {
		return fmt.Errorf("make lab: tag %s exists already: `git tag -d %s` to start over", tag, tag)
	}
	if _, err := git("switch", "-c", branch); err != nil {
		return err
	}
	files, err := applyStarter(root, lab)
	if err != nil {
		git("checkout", "--", ".")
		git("switch", "-")
		git("branch", "-D", branch)
		return err
	}
	if _, err := git(append([]string{"add", "--"}, files...)...); err != nil {
		return err
	}
	msg := fmt.Sprintf("lab %s: the starter (the regions of lab %s replaced by their stubs)\n\nRead docs/labs/%s.md; make grade LAB=%s grades your work; git diff %s shows it.", lab, lab, lab, lab, tag)
	if _, err := git("commit", "-q", "-m", msg); err != nil {
		return err
	}
	if _, err := git("tag", tag); err != nil {
		return err
	}
	fmt.Fprintf(w, "make lab: you are on branch %s; its last commit (tagged %s) is the starter of lab %s.\n", branch, tag, lab)
	fmt.Fprintf(w, "  changed: %s\n", strings.Join(files, ", "))
	fmt.Fprintf(w, "  read docs/labs/%s.md; grade with make grade LAB=%s; your work so far: git diff %s\n", lab, lab, tag)
	return nil
}
