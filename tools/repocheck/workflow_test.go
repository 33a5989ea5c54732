package repocheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// workflow is the GitHub Actions workflow that runs `make test`.
const workflow = ".github/workflows/test.yml"

// actionlint runs the actionlint pinned by the tool directive in go.mod
// (`go tool actionlint`) on files, in dir, and returns its output and
// whether it found nothing. It uses shellcheck and pyflakes on run:
// scripts when they are installed, and skips those checks otherwise.
func actionlint(t *testing.T, dir string, files ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"tool", "actionlint", "-no-color"}, files...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil {
		return string(out), true
	}
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		return string(out), false // findings
	}
	t.Fatalf("go tool actionlint did not run: %v\n%s", err, out)
	return "", false
}

// TestWorkflowLint fails on any actionlint finding in the workflow.
func TestWorkflowLint(t *testing.T) {
	root := repoRoot(t)
	if out, ok := actionlint(t, root, workflow); !ok {
		t.Errorf("actionlint found problems in %s:\n%s", workflow, out)
	}
}

// TestWorkflowRunsTheREADMEsTests checks that the workflow runs the README's
// test command with the Go release go.mod names, after installing every
// package `make deps` would.
func TestWorkflowRunsTheREADMEsTests(t *testing.T) {
	root := repoRoot(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	wf, readme, mod, mk := read(workflow), read("README.md"), read("go.mod"), read("Makefile")
	if !strings.Contains(readme, "make test ") || !regexp.MustCompile(`(?m)^\s+run: make test$`).MatchString(wf) {
		t.Errorf("%s does not run `make test`, the README's test command", workflow)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	if want := "go-version: '" + m[1] + "'"; !strings.Contains(wf, want) {
		t.Errorf("%s does not set up Go %s (go.mod): want %q", workflow, m[1], want)
	}
	// DEBS_NEEDED lists $(if <installed?>,,<package>) for each package.
	debs := regexp.MustCompile(`,,([a-z0-9][a-z0-9.+-]*)\)`).FindAllStringSubmatch(mk, -1)
	if len(debs) == 0 {
		t.Fatal("no packages found in the Makefile's DEBS_NEEDED")
	}
	install := regexp.MustCompile(`apt-get install(?:[^\n\\]|\\\n)*`).FindString(wf) // with continuation lines
	for _, d := range debs {
		if !regexp.MustCompile(`\s` + regexp.QuoteMeta(d[1]) + `(\s|$)`).MatchString(install) {
			t.Errorf("%s does not install %s, which make deps installs", workflow, d[1])
		}
	}
}

// TestActionlintCatchesMistakes shows that the check can fail: a workflow
// with typical mistakes must be rejected, each mistake reported.
func TestActionlintCatchesMistakes(t *testing.T) {
	root := repoRoot(t)
	bad := `name: bad
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v6
        with:
          go-versoin: '1.26'
      - run: echo "${{ github.evnt.ref }}"
      - run: make test
        if: ${{ steps.nope.outputs.x }}
        timeout-minutes: abc
`
	file := filepath.Join(t.TempDir(), "bad.yml")
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, ok := actionlint(t, root, file)
	if ok {
		t.Fatalf("actionlint accepted a broken workflow:\n%s", bad)
	}
	for _, want := range []string{`"go-versoin"`, `"evnt"`, `"nope"`, "timeout-minutes"} {
		if !strings.Contains(out, want) {
			t.Errorf("actionlint did not report %s:\n%s", want, out)
		}
	}
}
