// regions.go: the lab regions marked in the kernel's source, and the
// starter that replaces them by their stubs.
//
// A region is the part of the reference solution a lab asks the student
// to write, marked in place, with the stub that replaces it in the
// starter right beside it:
//
//	func flushTLB() {
//		//lab:flush begin
//		preempt.Disable()
//		asm.FlushTLBRaw()
//		preempt.Enable()
//		//lab:flush stub
//		//// LAB flush: make this flush safe against preemption.
//		//asm.FlushTLBRaw()
//		//lab:flush end
//	}
//
// Between "begin" and "stub" is the solution: the code everyone runs.
// Between "stub" and "end" is the stub, every line commented out with
// "//" (a comment in the stub is "////"); the starter drops the solution
// and the markers and uncomments the stub, then gofmt formats the file.
// Regions do not nest and sit inside function bodies (a marker before a
// declaration would join its doc comment). The stub must compile: the
// starter of every lab is built for both architectures by the tests.

package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Region is one marked region.
type Region struct {
	Lab  string
	File string // slash-separated, relative to the tree's root
	Func string // the function it sits in ("" if none was found)
	// Begin, Stub and End are the 1-based lines of the three markers.
	Begin, Stub, End int
}

func (r Region) String() string {
	if r.Func != "" {
		return fmt.Sprintf("%s:%d (%s)", r.File, r.Begin, r.Func)
	}
	return fmt.Sprintf("%s:%d", r.File, r.Begin)
}

var (
	markerRE = regexp.MustCompile(`^\s*//lab:([a-z][a-z0-9]*) (begin|stub|end)\s*$`)
	looseRE  = regexp.MustCompile(`^\s*//\s*lab:`)
	funcRE   = regexp.MustCompile(`^func (\([^)]*\) )?([A-Za-z_][A-Za-z0-9_]*)`)
)

// parseRegions reads the regions of one file's text; name is the file's
// path for messages and Region.File.
func parseRegions(name string, src []byte) ([]Region, error) {
	var out []Region
	var cur *Region
	fn := ""
	for i, line := range strings.Split(string(src), "\n") {
		n := i + 1
		if m := funcRE.FindStringSubmatch(line); m != nil {
			fn = m[2]
		}
		m := markerRE.FindStringSubmatch(line)
		if m == nil {
			if looseRE.MatchString(line) && !strings.Contains(line, "`") && !strings.Contains(line, `"`) {
				return nil, fmt.Errorf("%s:%d: a lab marker must be a line of its own, `//lab:NAME begin|stub|end`: %q", name, n, strings.TrimSpace(line))
			}
			if t := strings.TrimSpace(line); cur != nil && cur.Stub > 0 && t != "" && !strings.HasPrefix(t, "//") {
				return nil, fmt.Errorf("%s:%d: line %d of the stub of lab %s is not commented out (every stub line starts with //)", name, n, n-cur.Stub, cur.Lab)
			}
			continue
		}
		lab, what := m[1], m[2]
		switch what {
		case "begin":
			if cur != nil {
				return nil, fmt.Errorf("%s:%d: lab %s begins inside the region of lab %s begun at line %d (regions do not nest)", name, n, lab, cur.Lab, cur.Begin)
			}
			cur = &Region{Lab: lab, File: name, Func: fn, Begin: n}
		case "stub":
			switch {
			case cur == nil:
				return nil, fmt.Errorf("%s:%d: //lab:%s stub outside a region", name, n, lab)
			case cur.Lab != lab:
				return nil, fmt.Errorf("%s:%d: //lab:%s stub in the region of lab %s (line %d)", name, n, lab, cur.Lab, cur.Begin)
			case cur.Stub > 0:
				return nil, fmt.Errorf("%s:%d: a second //lab:%s stub in one region (the first at line %d)", name, n, lab, cur.Stub)
			}
			cur.Stub = n
		case "end":
			switch {
			case cur == nil:
				return nil, fmt.Errorf("%s:%d: //lab:%s end without a begin", name, n, lab)
			case cur.Lab != lab:
				return nil, fmt.Errorf("%s:%d: //lab:%s end closes the region of lab %s (line %d)", name, n, lab, cur.Lab, cur.Begin)
			case cur.Stub == 0:
				return nil, fmt.Errorf("%s:%d: the region of lab %s (line %d) has no //lab:%s stub: every region says what the starter has instead", name, n, lab, cur.Begin, lab)
			}
			cur.End = n
			out = append(out, *cur)
			cur = nil
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: the region of lab %s is never closed (//lab:%s end)", name, cur.Begin, cur.Lab, cur.Lab)
	}
	return out, nil
}

// starterText returns src with the regions of lab replaced by their stubs
// (other labs' regions stay as they are), formatted by gofmt.
func starterText(name string, src []byte, lab string) ([]byte, int, error) {
	regions, err := parseRegions(name, src)
	if err != nil {
		return nil, 0, err
	}
	lines := strings.Split(string(src), "\n")
	var b strings.Builder
	replaced := 0
	next := 0 // index into regions
	for i := 0; i < len(lines); i++ {
		n := i + 1
		if next < len(regions) && regions[next].Begin == n {
			r := regions[next]
			next++
			if r.Lab == lab {
				for j := r.Stub; j < r.End-1; j++ { // the lines between the stub and end markers
					b.WriteString(uncomment(lines[j]))
					b.WriteByte('\n')
				}
				i = r.End - 1
				replaced++
				continue
			}
		}
		b.WriteString(lines[i])
		if i < len(lines)-1 {
			b.WriteByte('\n')
		}
	}
	if replaced == 0 {
		return src, 0, nil
	}
	out, err := format.Source([]byte(b.String()))
	if err != nil {
		return nil, 0, fmt.Errorf("%s: the starter of lab %s does not parse: %v", name, lab, err)
	}
	return out, replaced, nil
}

// uncomment turns a stub line "\t\t//code" into "\t\tcode" ("////" keeps
// one "//": a comment in the stub).
func uncomment(line string) string {
	i := strings.Index(line, "//")
	if i < 0 {
		return line
	}
	return line[:i] + line[i+2:]
}

// scanTree returns every region in the .go files under root, skipping
// build output, testdata and hidden directories, sorted by file and line.
func scanTree(root string) ([]Region, error) {
	var out []Region
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || name == "build" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.Contains(src, []byte("lab:")) {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rs, err := parseRegions(filepath.ToSlash(rel), src)
		if err != nil {
			return err
		}
		out = append(out, rs...)
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Begin < out[j].Begin
	})
	return out, err
}

// applyStarter rewrites the tree at root in place: every file holding a
// region of lab gets its stubs. It returns the files it changed.
func applyStarter(root, lab string) ([]string, error) {
	regions, err := scanTree(root)
	if err != nil {
		return nil, err
	}
	var files []string
	seen := map[string]bool{}
	for _, r := range regions {
		if r.Lab != lab || seen[r.File] {
			continue
		}
		seen[r.File] = true
		p := filepath.Join(root, filepath.FromSlash(r.File))
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out, _, err := starterText(r.File, src, lab)
		if err != nil {
			return nil, err
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, out, fi.Mode().Perm()); err != nil {
			return nil, err
		}
		files = append(files, r.File)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("lab %s has no regions in %s (//lab:%s begin ... stub ... end)", lab, root, lab)
	}
	return files, nil
}
