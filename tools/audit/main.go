// main.go: the command line. See doc.go for what the audit checks.

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// Report is the -json output.
type Report struct {
	Strict  bool      `json:"strict"`
	Source  string    `json:"source_root"`
	Kernels []*Result `json:"kernels"`
	OK      bool      `json:"ok"`
}

// run is the whole command; it returns the exit status: 0 pass, 1 a
// violation or decode error, 2 bad usage or an unreadable input.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	strict := fs.Bool("strict", false, "count known-racy callers as violations too")
	src := fs.String("src", "", "the kernel's source root, for //audit: annotations (default: the directory holding go.mod, found upwards from the current one)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./tools/audit [-json] [-strict] [-src DIR] KERNEL.elf...\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	root := *src
	if root == "" {
		var err error
		if root, err = findModuleRoot("."); err != nil {
			fmt.Fprintf(stderr, "audit: %v (use -src)\n", err)
			return 2
		}
	}
	ann, err := loadAnnotations(root)
	if err != nil {
		fmt.Fprintf(stderr, "audit: %s: %v\n", root, err)
		return 2
	}
	rep := Report{Strict: *strict, Source: root, OK: true}
	for _, path := range fs.Args() {
		p, err := loadELF(path)
		if err != nil {
			fmt.Fprintf(stderr, "audit: %v\n", err)
			return 2
		}
		r := audit(p, path, ann, *strict)
		rep.Kernels = append(rep.Kernels, r)
		rep.OK = rep.OK && r.OK()
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		for i, r := range rep.Kernels {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			writeText(stdout, r)
		}
	}
	if !rep.OK {
		return 1
	}
	return 0
}
