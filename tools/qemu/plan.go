// plan: resolving a Config against the file system into the exact command
// Run executes (and Result.Command shows).
package qemu

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// plan is a validated Config turned into one concrete command.
type plan struct {
	arch    string
	dir     string   // the directory holding the script; the command runs there
	argv    []string // argv[0] is "./qemu.sh", or "bash" when the script is not executable
	command string   // argv, shell-quoted
	logDir  string
	timeout time.Duration
	stop    func(string) bool
}

// resolve validates cfg, finds the script, builds the kernel if needed and
// expresses every path relative to the script's directory when it lies
// inside it (absolute otherwise), so the command reads as typed at the
// repository root.
func resolve(cfg Config) (*plan, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	var root string
	needRoot := cfg.Script == "" || cfg.Kernel == ""
	if needRoot {
		r, err := repoRoot()
		if err != nil {
			return nil, err
		}
		root = r
	}

	script := cfg.Script
	if script == "" {
		script = filepath.Join(root, "qemu.sh")
	}
	script, err := filepath.Abs(script)
	if err != nil {
		return nil, fmt.Errorf("qemu: script path %q: %v", cfg.Script, err)
	}
	st, err := os.Stat(script)
	if err != nil {
		return nil, fmt.Errorf("qemu: qemu.sh not found at %s (set Config.Script, or run inside the tlbrace repository): %v", script, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("qemu: script %s is a directory", script)
	}
	dir := filepath.Dir(script)

	r := cfg // the copy whose paths become relative to dir
	if cfg.Kernel == "" {
		if r.Kernel, err = buildKernel(root, cfg.Arch); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		field string
		path  *string
		must  bool
	}{
		{"Kernel", &r.Kernel, true},
		{"Initrd", &r.Initrd, true},
		{"Replay", &r.Replay, true},
		{"Record", &r.Record, false},
	} {
		if *f.path == "" {
			continue
		}
		abs, err := filepath.Abs(*f.path)
		if err != nil {
			return nil, fmt.Errorf("qemu: Config.%s %q: %v", f.field, *f.path, err)
		}
		if f.must {
			if _, err := os.Stat(abs); err != nil {
				return nil, fmt.Errorf("qemu: Config.%s: %v", f.field, err)
			}
		}
		*f.path = relativeTo(dir, abs)
	}
	// qemu.sh's own default; leaving -k out keeps the command short.
	if r.Kernel == relativeTo(dir, defaultKernel(dir, cfg.Arch)) {
		r.Kernel = ""
	}

	argv := []string{"./" + filepath.Base(script)}
	if st.Mode()&0o111 == 0 {
		argv = append([]string{"bash"}, argv...)
	}
	argv = append(argv, scriptFlags(r)...)

	logDir := cfg.LogDir
	if logDir == "" {
		logDir = os.Getenv("TLBRACE_LOG_DIR")
	}
	if logDir == "" {
		logDir = filepath.Join(os.TempDir(), "tlbrace-logs")
	}
	return &plan{
		arch:    cfg.Arch,
		dir:     dir,
		argv:    argv,
		command: shellJoin(argv),
		logDir:  logDir,
		timeout: cfg.Timeout,
		stop:    cfg.Stop,
	}, nil
}

// relativeTo returns abs relative to dir when abs lies inside dir, else abs.
func relativeTo(dir, abs string) string {
	rel, err := filepath.Rel(dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs
	}
	return rel
}
