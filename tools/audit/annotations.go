// annotations.go: reads the //audit: comment lines from the kernel's Go
// source. An annotation is a line of a function's doc comment (gofmt keeps
// it with the //go: directives at the end):
//
//	//audit:irqs-off <reason>     rule (a): the function runs with
//	                              interrupts off or before the scheduler starts
//	//audit:known-racy <reason>   rule (c): a known, intended violation
//	//audit:callers-nonpreemptible <reason>
//	                              rule (d): the function does not guard, it
//	                              asserts; each of its callers is checked instead
//
// and is keyed by the function's linker symbol name:
// "tlbrace/kernel/mm.flushTLBRacy", "tlbrace/kernel/mm.(*MM).Drop",
// "main.rt0" for package main.

package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Annotation kinds.
const (
	IRQsOff               = "irqs-off"
	KnownRacy             = "known-racy"
	CallersNonpreemptible = "callers-nonpreemptible"
)

// Annotation is one //audit: line.
type Annotation struct {
	Symbol string `json:"symbol"`
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	Pos    string `json:"pos"` // file:line, relative to the source root
}

// findModuleRoot walks up from dir to the directory holding go.mod.
func findModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod in %s or any parent", dir)
		}
	}
}

// modulePath reads the module line of root/go.mod.
func modulePath(root string) (string, error) {
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s/go.mod: no module line", root)
}

// skipDir names directories that hold no kernel source.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "build" || name == "testdata" || name == "vendor"
}

// loadAnnotations parses every non-test .go file under root.
func loadAnnotations(root string) (map[string]Annotation, error) {
	mod, err := modulePath(root)
	if err != nil {
		return nil, err
	}
	out := map[string]Annotation{}
	var errs []string
	walk := func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		found, ferrs := fileAnnotations(path, rel, mod)
		errs = append(errs, ferrs...)
		for _, a := range found {
			if old, dup := out[a.Symbol]; dup {
				errs = append(errs, fmt.Sprintf("%s: %s is annotated twice (also %s)", a.Pos, a.Symbol, old.Pos))
			}
			out[a.Symbol] = a
		}
		return nil
	}
	if err := filepath.WalkDir(root, walk); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return out, fmt.Errorf("bad annotations:\n\t%s", strings.Join(errs, "\n\t"))
	}
	return out, nil
}

// fileAnnotations returns the annotations of one file, and an error for
// every //audit: line that is malformed or not in a function's doc comment.
func fileAnnotations(path, rel, mod string) ([]Annotation, []string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, []string{err.Error()}
	}
	pkg := mod + "/" + filepath.ToSlash(filepath.Dir(rel))
	if filepath.Dir(rel) == "." {
		pkg = mod
	}
	if f.Name.Name == "main" {
		pkg = "main" // the linker's name for a command's package
	}
	attached := map[*ast.Comment]bool{}
	var out []Annotation
	var errs []string
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Doc == nil {
			continue
		}
		for _, c := range fd.Doc.List {
			if !strings.HasPrefix(c.Text, "//audit:") {
				continue
			}
			attached[c] = true
			pos := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), fset.Position(c.Pos()).Line)
			a, err := parseAnnotation(c.Text)
			if err != nil {
				errs = append(errs, pos+": "+err.Error())
				continue
			}
			a.Symbol, a.Pos = pkg+"."+funcSymbol(fd), pos
			out = append(out, a)
		}
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//audit:") && !attached[c] {
				errs = append(errs, fmt.Sprintf("%s:%d: %s is not in a function's doc comment",
					filepath.ToSlash(rel), fset.Position(c.Pos()).Line, c.Text))
			}
		}
	}
	return out, errs
}

// parseAnnotation reads "//audit:KIND REASON"; the reason is required.
func parseAnnotation(text string) (Annotation, error) {
	body := strings.TrimPrefix(text, "//audit:")
	kind, reason, _ := strings.Cut(body, " ")
	reason = strings.TrimSpace(reason)
	if kind != IRQsOff && kind != KnownRacy && kind != CallersNonpreemptible {
		return Annotation{}, fmt.Errorf("unknown annotation %q (want //audit:%s, //audit:%s or //audit:%s)",
			"//audit:"+kind, IRQsOff, KnownRacy, CallersNonpreemptible)
	}
	if reason == "" {
		return Annotation{}, fmt.Errorf("//audit:%s needs a reason", kind)
	}
	return Annotation{Kind: kind, Reason: reason}, nil
}

// funcSymbol is the part of the linker symbol after the package:
// "F", "(*T).M" or "T.M".
func funcSymbol(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := false
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = true, s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	name := "?"
	if id, ok := t.(*ast.Ident); ok {
		name = id.Name
	}
	if star {
		return "(*" + name + ")." + fd.Name.Name
	}
	return name + "." + fd.Name.Name
}
