package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const sample = `package p

func f() int {
	x := 1
	//lab:one begin
	x += 41
	//lab:one stub
	//// LAB one: make it 42.
	//x += 0
	//lab:one end
	//lab:two begin
	x *= 1
	//lab:two stub
	//// LAB two: nothing to do.
	//lab:two end
	return x
}
`

func TestStarterReplacesOnlyItsLab(t *testing.T) {
	out, n, err := starterText("p.go", []byte(sample), "one")
	if err != nil || n != 1 {
		t.Fatalf("starterText: %d regions, %v", n, err)
	}
	want := `package p

func f() int {
	x := 1
	// LAB one: make it 42.
	x += 0
	//lab:two begin
	x *= 1
	//lab:two stub
	//// LAB two: nothing to do.
	//lab:two end
	return x
}
`
	if string(out) != want {
		t.Errorf("starter of lab one:\n%s\nwant:\n%s", out, want)
	}
	out, n, err = starterText("p.go", []byte(sample), "three")
	if err != nil || n != 0 || string(out) != sample {
		t.Errorf("a lab with no region here changed the file: %d, %v", n, err)
	}
}

func TestRegionsParse(t *testing.T) {
	rs, err := parseRegions("p.go", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Lab != "one" || rs[0].Func != "f" || rs[0].Begin != 5 || rs[0].Stub != 7 || rs[0].End != 10 || rs[1].Lab != "two" {
		t.Errorf("regions: %+v", rs)
	}
}

func TestMalformedRegions(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"//lab:a begin\n//lab:b begin\n", "do not nest"},
		{"//lab:a begin\nx\n//lab:a end\n", "has no //lab:a stub"},
		{"//lab:a begin\n//lab:a stub\nx := 1\n//lab:a end\n", "not commented out"},
		{"//lab:a end\n", "without a begin"},
		{"//lab:a begin\n//lab:a stub\n", "never closed"},
		{"//lab:a begin\n//lab:a stub\n//lab:b end\n", "closes the region of lab a"},
		{"// lab:a begin\n", "a line of its own"},
		{"//lab:a stub\n", "outside a region"},
	} {
		_, err := parseRegions("p.go", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one saying %q", c.src, err, c.want)
		}
	}
}

func root(t *testing.T) string {
	t.Helper()
	r, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCheck: the regions of this tree are well-formed, every lab has
// regions, graded tests and a handout naming each of them, and every test
// names a function holding a region of its lab.
func TestCheck(t *testing.T) {
	if err := check(root(t)); err != nil {
		t.Fatal(err)
	}
	for _, l := range labs {
		total := 0
		for _, tt := range l.Tests {
			total += tt.Points
			if tt.Limit <= 0 || tt.Points <= 0 || tt.Run == nil {
				t.Errorf("lab %s, test %s: points %d, limit %v", l.Name, tt.Name, tt.Points, tt.Limit)
			}
		}
		if total != 100 {
			t.Errorf("lab %s: %d points, want 100", l.Name, total)
		}
	}
}

// TestEveryStarterBuilds makes each lab's starter in a copy of this tree
// and compiles the kernel for both architectures: the starter always
// compiles, its regions are gone, the other labs' are untouched, and
// gofmt has nothing to say about it.
func TestEveryStarterBuilds(t *testing.T) {
	src := root(t)
	all, err := scanTree(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range labs {
		t.Run(l.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := copyTree(src, dir); err != nil {
				t.Fatal(err)
			}
			files, err := applyStarter(dir, l.Name)
			if err != nil {
				t.Fatal(err)
			}
			left, err := scanTree(dir)
			if err != nil {
				t.Fatal(err)
			}
			others := 0
			for _, r := range all {
				if r.Lab != l.Name {
					others++
				}
			}
			if len(left) != others {
				t.Errorf("%d regions left in the starter, want the other labs' %d", len(left), others)
			}
			for _, r := range left {
				if r.Lab == l.Name {
					t.Errorf("region %s left in its own starter", r)
				}
			}
			stubbed := false
			for _, f := range files {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				stubbed = stubbed || strings.Contains(string(b), "LAB "+l.Name)
			}
			if !stubbed {
				t.Errorf("no \"LAB %s\" comment in the starter's files %v: the stubs say what to do", l.Name, files)
			}
			gofmt := exec.Command("gofmt", append([]string{"-l"}, files...)...)
			gofmt.Dir = dir
			if out, err := gofmt.CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("gofmt -l in the starter: %v\n%s", err, out)
			}
			for _, arch := range []string{"386", "amd64"} {
				cmd := exec.Command("go", "build", "-trimpath", "-o", os.DevNull, "./boot")
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("the starter of lab %s does not compile for %s: %v\n%s", l.Name, arch, err, out)
				}
			}
		})
	}
}

// TestNewLab is make lab in a scratch repository holding a copy of this
// tree: a branch with the starter, committed and tagged, a clean work
// tree; and refusals, with the reason, to run twice or on uncommitted work.
func TestNewLab(t *testing.T) {
	dir := t.TempDir()
	if err := copyTree(root(t), dir); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"GIT_AUTHOR_NAME", "student"}, {"GIT_AUTHOR_EMAIL", "student@example.org"},
		{"GIT_COMMITTER_NAME", "student"}, {"GIT_COMMITTER_EMAIL", "student@example.org"}} {
		t.Setenv(kv[0], kv[1])
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "the course's tree")
	var out strings.Builder
	if err := newLab(dir, "flush", &out); err != nil {
		t.Fatal(err)
	}
	if b := git("rev-parse", "--abbrev-ref", "HEAD"); b != "lab-flush" {
		t.Errorf("on branch %q after make lab, want lab-flush", b)
	}
	if s := git("status", "--porcelain"); s != "" {
		t.Errorf("uncommitted changes after make lab:\n%s", s)
	}
	if changed := git("diff", "--name-only", "main", "lab-flush-starter"); changed != "kernel/mm/tlb.go" {
		t.Errorf("the starter changed %q, want kernel/mm/tlb.go alone", changed)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "kernel/mm/tlb.go")); !strings.Contains(string(b), "LAB flush") || strings.Contains(string(b), "//lab:flush") {
		t.Errorf("kernel/mm/tlb.go of the starter keeps its regions, or has no stub")
	}
	if !strings.Contains(out.String(), "lab-flush-starter") {
		t.Errorf("make lab does not say where the starter is:\n%s", out.String())
	}
	if err := newLab(dir, "flush", &out); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("make lab twice: %v, want a refusal saying the branch exists", err)
	}
	git("switch", "-q", "main")
	if err := os.WriteFile(filepath.Join(dir, "kernel/mm/tlb.go"), []byte("package mm // my work\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := newLab(dir, "lazy", &out)
	if err == nil || !strings.Contains(err.Error(), "not touching uncommitted work") || !strings.Contains(err.Error(), "kernel/mm/tlb.go") {
		t.Errorf("make lab on uncommitted work: %v, want a refusal naming the file", err)
	}
	if b := git("rev-parse", "--abbrev-ref", "HEAD"); b != "main" {
		t.Errorf("a refused make lab switched to branch %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "kernel/mm/tlb.go")); string(b) != "package mm // my work\n" {
		t.Errorf("a refused make lab touched the uncommitted file")
	}
}
