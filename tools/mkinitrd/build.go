package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"github.com/u-root/u-root/pkg/cpio"

	"tlbrace/kernel/user/elf"
)

// built is one user program, linked and shrunk.
type built struct {
	linked   string // the linked executable, with symbols and DWARF
	linkSize int    // its size in bytes
	*shrunk         // what goes into the archive
}

// build compiles user/<prog> for arch into the file out (with symbols
// and DWARF, which shrink needs and a debugger likes), cuts it down to
// the minimal executable (shrink.go) and checks that with the kernel's
// ELF parser.
func build(goCmd, root, prog, arch, out string) (*built, error) {
	info := arches[arch]
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	// -E main.start: enter at the program's assembly, never the runtime.
	// -T: link at the start of user space. -trimpath, -buildvcs=false:
	// the same bytes from any checkout.
	ldflags := fmt.Sprintf("-E main.start -T %#x", info.text)
	cmd := exec.Command(goCmd, "build", "-trimpath", "-buildvcs=false", "-o", out, "-ldflags="+ldflags, "./user/"+prog)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building %s for %s: %v\n%s", prog, arch, err, msg)
	}
	linked, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("%s for %s: %w", prog, arch, err)
	}
	s, err := shrink(linked)
	if err != nil {
		return nil, fmt.Errorf("%s for %s: %w", prog, arch, err)
	}
	if _, perr := elf.Parse(s.image, info.elf, info.lo, info.hi); perr != nil {
		var buf [256]byte
		return nil, fmt.Errorf("%s for %s is not loadable: %s", prog, arch, buf[:perr.Message(buf[:])])
	}
	return &built{linked: out, linkSize: len(linked), shrunk: s}, nil
}

// writeArchive writes files as a reproducible newc archive: a "bin"
// directory, then the files sorted by name, then the trailer. It writes
// to a temporary file and renames it, so out is never half-written.
func writeArchive(out string, files []file) error {
	recs := []cpio.Record{cpio.Directory("bin", 0o755)}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	for _, f := range files {
		recs = append(recs, cpio.StaticFile(f.name, string(f.data), 0o755))
	}
	cpio.MakeAllReproducible(recs)

	var buf bytes.Buffer
	w := cpio.Newc.Writer(&buf)
	if err := cpio.WriteRecords(w, recs); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := cpio.WriteTrailer(w); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	// A temporary file of this run's own (two builds may run at once: go
	// test runs packages in parallel, and several run `make build`), in
	// the target's directory so that the rename cannot cross filesystems.
	f, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(buf.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644) // CreateTemp makes it 0600
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}
