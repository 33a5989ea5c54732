// Command samples keeps the documentation's sample runs true.
//
// The README and the walkthrough quote real runs of the kernel. Under
// qemu.sh stress's fixed icount shift (and in the exploration workload,
// which makes its own decisions) a run is a pure function of the kernel
// and its words, so a quoted run can be checked: this command re-runs
// each sample and compares it with what the documents say.
//
//	go run ./tools/samples          check: exit 1, naming each stale sample
//	go run ./tools/samples -write   re-run and rewrite them (make samples)
//
// A sample is a command (the qemu.sh words), the committed log it writes
// (docs/samples/NAME.log, read by tools/timeline and drawn into
// docs/race-386.svg by `make race-doc`), and a quoted block in a Markdown
// file between
//
//	<!-- sample NAME -->
//	```
//	...lines...
//	```
//	<!-- /sample -->
//
// The block holds the log's lines that the sample's Quote function keeps.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tlbrace/tools/qemu"
)

func main() {
	write := flag.Bool("write", false, "re-run every sample and rewrite its log and quoted blocks")
	only := flag.String("only", "", "comma-separated sample names (default: all)")
	flag.Parse()
	root, err := qemu.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "samples:", err)
		os.Exit(2)
	}
	stale := 0
	for _, s := range all {
		if *only != "" && !strings.Contains(","+*only+",", ","+s.Name+",") {
			continue
		}
		log, err := s.run(root)
		if err != nil {
			fmt.Fprintf(os.Stderr, "samples: %s: %v\n", s.Name, err)
			os.Exit(2)
		}
		problems, err := s.sync(root, log, *write)
		if err != nil {
			fmt.Fprintf(os.Stderr, "samples: %s: %v\n", s.Name, err)
			os.Exit(2)
		}
		for _, p := range problems {
			fmt.Printf("samples: %s: %s\n", s.Name, p)
			stale++
		}
		if len(problems) == 0 {
			fmt.Printf("samples: %s: current\n", s.Name)
		}
	}
	if stale > 0 && !*write {
		fmt.Println("samples: run `make samples` to re-run them and rewrite what is stale, then read the new text around each block")
		os.Exit(1)
	}
}

// Sample is one quoted run.
type Sample struct {
	Name  string
	Arch  string
	Args  []string // kernel words
	Shell string   // the qemu.sh command as the documents show it
	// Stress runs qemu.sh's stress mode; Icount only its fixed -icount
	// shift (deterministic runs for other workloads).
	Stress, Icount bool
	// SMP is qemu.sh --smp (0: one CPU).
	SMP int
	// Docs are the Markdown files quoting it.
	Docs []string
	// Quote picks the lines a document quotes from the log.
	Quote func(lines []string) []string
}

// run boots the sample and returns its serial log, with the build
// machine's absolute paths made relative to the repository.
func (s *Sample) run(root string) (string, error) {
	r, err := qemu.Run(context.Background(), qemu.Config{Arch: s.Arch, Stress: s.Stress, Icount: s.Icount, SMP: s.SMP, Args: s.Args, Timeout: 3 * time.Minute})
	if err != nil {
		return "", err
	}
	if r.Status == qemu.Timeout || r.Status == qemu.Reset {
		return "", fmt.Errorf("the run ended with %v: %s", r.Status, r.Reproduce())
	}
	return strings.ReplaceAll(r.Text(), root+string(filepath.Separator), ""), nil
}

// sync compares (or, with write, rewrites) the sample's log and blocks.
func (s *Sample) sync(root, log string, write bool) ([]string, error) {
	var problems []string
	logPath := filepath.Join(root, "docs", "samples", s.Name+".log")
	old, err := os.ReadFile(logPath)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	if string(old) != log {
		problems = append(problems, fmt.Sprintf("docs/samples/%s.log differs from a fresh run of %s", s.Name, s.Shell))
		if write {
			if err := os.WriteFile(logPath, []byte(log), 0o644); err != nil {
				return nil, err
			}
		}
	}
	quote := strings.Join(s.Quote(strings.Split(strings.TrimRight(log, "\n"), "\n")), "\n")
	for _, doc := range s.Docs {
		path := filepath.Join(root, doc)
		text, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		updated, found, err := replaceBlock(string(text), s.Name, quote)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", doc, err)
		}
		if !found {
			problems = append(problems, fmt.Sprintf("%s has no <!-- sample %s --> block", doc, s.Name))
			continue
		}
		if updated != string(text) {
			problems = append(problems, fmt.Sprintf("%s quotes an old run of %s", doc, s.Shell))
			if write {
				if err := os.WriteFile(path, []byte(updated), 0o644); err != nil {
					return nil, err
				}
			}
		}
	}
	return problems, nil
}

// replaceBlock replaces the fenced block inside <!-- sample name -->.
func replaceBlock(text, name, quote string) (string, bool, error) {
	open, end := "<!-- sample "+name+" -->\n", "<!-- /sample -->"
	i := strings.Index(text, open)
	if i < 0 {
		return text, false, nil
	}
	j := strings.Index(text[i:], end)
	if j < 0 {
		return "", true, fmt.Errorf("<!-- sample %s --> is not closed by %s", name, end)
	}
	block := "```\n" + quote + "\n```\n"
	return text[:i+len(open)] + block + text[i+j:], true, nil
}
