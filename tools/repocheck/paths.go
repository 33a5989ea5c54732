// Package repocheck holds checks of the repository itself, run by
// `go test ./tools/...` in `make test`: no tracked file may point outside
// the repository (paths.go), and the GitHub Actions workflow must pass
// actionlint (workflow_test.go).
//
// The product must stand alone: a user's clone has nothing beside it, so a
// link, a comment or a script that names a folder next to the developers'
// checkout, or a directory of the machine it was written on, is broken for
// everyone else.
package repocheck

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// Finding is one reference to a path outside the repository.
type Finding struct {
	File   string // the file's path relative to the repository root
	Line   int    // 1-based
	Ref    string // the offending text
	Reason string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %q %s", f.File, f.Line, f.Ref, f.Reason)
}

// machineDirs are top-level directories whose absolute paths belong to
// some machine's layout (home and work directories), never to a clone.
// Kept without slashes so this file does not trip its own check.
var machineDirs = []string{"home", "work", "Users", "root"}

// siblingDirs are folders that live beside the developers' checkout:
// "../NAME" names them no matter how deep the file sits.
var siblingDirs = []string{"shared"}

// isPathByte reports whether c can be part of a path as written in the
// repository's text: letters, digits and . _ - ~ + @ /.
func isPathByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("._-~+@/", c) >= 0
}

// Check returns the references to paths outside the repository in the
// text of one tracked file, named by its path relative to the repository
// root (with forward slashes):
//   - a path into a folder beside the developers' checkout (siblingDirs),
//     anywhere;
//   - a relative path whose ".." components climb above the repository
//     root when resolved from the file's directory (a Markdown link, a
//     comment, a string in code);
//   - an absolute path under a machine's home or work directories
//     (machineDirs).
//
// It is a textual heuristic: a path right after a shell or make variable
// ("$dir/..", "$(X)/..") has an unknown base and is judged only by the
// first rule. Binary content (a NUL byte) is not checked.
func Check(file string, content []byte) []Finding {
	if bytes.IndexByte(content, 0) >= 0 {
		return nil
	}
	var out []Finding
	dir := path.Dir(file)
	for n, line := range strings.Split(string(content), "\n") {
		add := func(ref, reason string) {
			out = append(out, Finding{File: file, Line: n + 1, Ref: ref, Reason: reason})
		}
		for i := 0; i < len(line); {
			if !isPathByte(line[i]) {
				i++
				continue
			}
			j := i
			for j < len(line) && isPathByte(line[j]) {
				j++
			}
			var before byte
			if i > 0 {
				before = line[i-1]
			}
			if reason := judge(dir, line[i:j], before); reason != "" {
				add(line[i:j], reason)
			}
			i = j
		}
	}
	return out
}

// judge says why the path-like token tok, found in a file in directory dir
// right after the byte before (0 at the start of a line), points outside
// the repository, or returns "".
func judge(dir, tok string, before byte) string {
	for _, s := range siblingDirs {
		if strings.Contains("/"+tok+"/", "/../"+s+"/") {
			return "names a folder beside the developers' checkout, absent from every clone"
		}
	}
	if strings.HasPrefix(tok, "/") {
		// A URL's path ("https://host/home/x") or a word glued to the
		// slash ("a/home/b") is not an absolute path; a file URL is.
		p := strings.TrimPrefix(tok, "//")
		fileURL := strings.HasPrefix(p, "/") && before == ':'
		if before != 0 && (isPathByte(before) || before == ':' || before == '%') && !fileURL {
			return ""
		}
		for _, d := range machineDirs {
			if strings.HasPrefix(p, "/"+d+"/") {
				return "is an absolute path on the machine it was written on"
			}
		}
		return ""
	}
	switch before {
	case '$', ')', '}': // the base is a variable: unknown
		return ""
	}
	if !hasDotDot(tok) {
		return ""
	}
	if p := path.Join(dir, tok); p == ".." || strings.HasPrefix(p, "../") {
		return "climbs above the repository root from " + dir + "/"
	}
	return ""
}

// hasDotDot reports whether tok has a ".." path component.
func hasDotDot(tok string) bool {
	for _, c := range strings.Split(tok, "/") {
		if c == ".." {
			return true
		}
	}
	return false
}
