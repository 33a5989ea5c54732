// Command mkinitrd builds every user program under user/ for one
// architecture and packs them into a newc cpio archive, the initramfs
// that QEMU hands the kernel with -initrd:
//
//	go run ./tools/mkinitrd -arch 386 -o build/386/initrd.cpio
//
// Each program is built like the kernel, with the stock toolchain and no
// Go runtime start-up (-E main.start), linked at the start of user space,
// then cut down to a minimal executable holding only its own code and
// data (shrink.go: the linker keeps ~0.9 MB of Go runtime the program
// never runs), and checked with the kernel's own ELF parser before it
// goes in as bin/<program>. The archive is reproducible: sorted names,
// zero times and owners (u-root's cpio.MakeAllReproducible).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"tlbrace/kernel/user/elf"
)

// archInfo is how programs are linked for one GOARCH.
type archInfo struct {
	text   uint64   // -T: .text address; the ELF header page sits just below
	lo, hi uint64   // user space [lo, hi) (kernel/mm UserBase, UserTop)
	elf    elf.Arch // what the kernel's ELF parser expects
}

var arches = map[string]archInfo{
	"386":   {text: 0x4000_1000, lo: 0x4000_0000, hi: 0xC000_0000, elf: elf.I386},
	"amd64": {text: 0x80_0000_1000, lo: 0x80_0000_0000, hi: 0x8000_0000_0000, elf: elf.AMD64},
}

func main() {
	arch := flag.String("arch", "amd64", "GOARCH to build for: 386 or amd64")
	out := flag.String("o", "", "archive to write (default build/ARCH/initrd.cpio)")
	root := flag.String("root", ".", "module root, holding user/")
	goCmd := flag.String("go", "go", "the go command to build with")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected arguments %q", flag.Args()))
	}
	if *out == "" {
		*out = filepath.Join("build", *arch, "initrd.cpio")
	}
	files, err := mkinitrd(*goCmd, *root, *arch, *out)
	if err != nil {
		fail(err)
	}
	for _, f := range files {
		fmt.Printf("mkinitrd: %s %d bytes (linked %d), %d PT_LOAD: %s\n", f.name, len(f.data), f.linkSize, f.loads, f.what)
	}
	fmt.Printf("mkinitrd: wrote %s (%d programs for %s)\n", *out, len(files), *arch)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mkinitrd:", err)
	os.Exit(1)
}

// file is one archive member.
type file struct {
	name     string // bin/<program>
	data     []byte
	linkSize int    // the size of the program as linked
	loads    int    // PT_LOAD segments
	what     string // what it keeps
}

// mkinitrd builds the programs under root/user for arch and writes the
// archive to out; it returns what went in.
func mkinitrd(goCmd, root, arch, out string) ([]file, error) {
	if _, ok := arches[arch]; !ok {
		return nil, fmt.Errorf("unknown -arch %q (want 386 or amd64)", arch)
	}
	progs, err := programs(root)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "mkinitrd-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var files []file
	for _, p := range progs {
		b, err := build(goCmd, root, p, arch, filepath.Join(tmp, p))
		if err != nil {
			return nil, err
		}
		var what []string
		for _, k := range b.kept {
			what = append(what, fmt.Sprintf("%s %d", k.name, k.size))
		}
		files = append(files, file{name: "bin/" + p, data: b.image, linkSize: b.linkSize, loads: b.loads, what: strings.Join(what, ", ")})
	}
	return files, writeArchive(out, files)
}

// programs lists the directories under root/user that hold a main.go,
// sorted.
func programs(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, "user"))
	if err != nil {
		return nil, fmt.Errorf("listing user programs: %w", err)
	}
	var progs []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(root, "user", e.Name(), "main.go")); e.IsDir() && err == nil {
			progs = append(progs, e.Name())
		}
	}
	if len(progs) == 0 {
		return nil, fmt.Errorf("no programs (directories with a main.go) in %s", filepath.Join(root, "user"))
	}
	sort.Strings(progs)
	return progs, nil
}
