package repocheck

import (
	"strings"
	"testing"
)

// The bad inputs are assembled from pieces so that this file itself holds
// no reference to a path outside the repository.
const (
	up      = ".." + "/"
	sibling = up + "shared"
)

func TestCheckFindsOutsideReferences(t *testing.T) {
	tests := []struct {
		file, text string
		ref        string // the one finding expected
	}{
		{"README.md", "([the patch](" + sibling + "/seed/000.txt))", sibling + "/seed/000.txt"},
		{"docs/x.md", "see `" + sibling + "/notes/a.md`", sibling + "/notes/a.md"},
		{"kernel/a/b/c.go", "// " + up + up + sibling + "/notes/a.md", up + up + sibling + "/notes/a.md"},
		{"qemu.sh", `here="$dir/` + sibling + `"`, "dir/" + sibling},
		{"README.md", "[up](" + up + "other-repo/README.md)", up + "other-repo/README.md"},
		{"README.md", "cd " + up[:2], up[:2]},
		{"docs/walkthrough.md", "[x](" + up + up + "x.md)", up + up + "x.md"},
		{"tools/qemu/run.go", `filepath.Join(root, "` + up + up + up + `x")`, up + up + up + "x"},
		{"docs/a.md", "[x](./sub/" + up + up + up + "y)", "./sub/" + up + up + up + "y"},
		{"Makefile", "GOROOT := /" + "home/dev/go", "/" + "home/dev/go"},
		{"tests/a_test.go", `dir := "/` + `work/wt/x"`, "/" + "work/wt/x"},
		{"docs/a.md", "logs in `/" + "Users/me/tlbrace`", "/" + "Users/me/tlbrace"},
		{"x.sh", "cp a /" + "root/bin", "/" + "root/bin"},
		{"x.sh", "open file:///" + "home/me/a.html", "///" + "home/me/a.html"},
	}
	for _, tt := range tests {
		got := Check(tt.file, []byte("first line\n"+tt.text+"\nlast line\n"))
		if len(got) != 1 || got[0].Ref != tt.ref || got[0].Line != 2 || got[0].File != tt.file || got[0].Reason == "" {
			t.Errorf("Check(%s, %q) = %v; want one finding %q on line 2", tt.file, tt.text, got, tt.ref)
		}
	}
}

func TestCheckAcceptsInsideReferences(t *testing.T) {
	tests := []struct{ file, text string }{
		{"README.md", "[the walkthrough](docs/walkthrough.md), ![x](docs/race-386.svg)"},
		{"docs/walkthrough.md", "[conventions](conventions.md) and [the README](" + up + "README.md)"},
		{"docs/samples/a.md", "[x](" + up + up + "README.md)"},
		{"tests/monitor_test.go", `cmd.Dir = "` + up[:2] + `"`},
		{"tools/qemu/repo_test.go", `filepath.Join(dir, "` + up + up + `Makefile")`},
		{"Makefile", "go test ./kernel/... ./tools/...; seq 1..100; a ... b"},
		{"kernel/cmdline/options.go", `"hz=10..100000", "0..18446744073709551615"`},
		{".ci/run", `cd "$(dirname "$0")/` + up[:2] + `"`},
		{"qemu.sh", `here=$(cd "$(dirname "$0")" && pwd); x=$here/` + up[:2] + `; y=${here}/` + up[:2]},
		{"README.md", "https://lore.kernel.org/lkml/20041118124656.GA4256@elte.hu/"},
		{"docs/a.md", "https://example.org/" + "home/x and https://example.org//" + "work/y"},
		{"Makefile", "/usr/lib/grub/i386-pc/boot.img /usr/local/go/bin /tmp/x.log /dev/null"},
		{"kernel/a.go", "a/" + "home/b, x/" + "work/y, homework/z, /homes/a, /workshop/b"},
		{"docs/a.md", "the developers' shared notes; " + sibling + "lib is no sibling folder"},
	}
	for _, tt := range tests {
		if got := Check(tt.file, []byte(tt.text)); len(got) != 0 {
			t.Errorf("Check(%s, %q) = %v; want nothing", tt.file, tt.text, got)
		}
	}
}

func TestCheckLinesAndBinaries(t *testing.T) {
	text := "a\n" + sibling + "/x\nb\n[y](" + up + "y.md)\n/" + "home/z\n"
	got := Check("README.md", []byte(text))
	var lines []int
	for _, f := range got {
		lines = append(lines, f.Line)
	}
	if len(got) != 3 || lines[0] != 2 || lines[1] != 4 || lines[2] != 5 {
		t.Errorf("Check = %v; want findings on lines 2, 4 and 5", got)
	}
	if s := got[0].String(); !strings.HasPrefix(s, "README.md:2: ") {
		t.Errorf("Finding.String() = %q", s)
	}
	if got := Check("boot/x.syso", []byte("\x7fELF\x00\x00"+sibling)); got != nil {
		t.Errorf("binary content checked: %v", got)
	}
}
