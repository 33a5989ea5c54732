// Command mkimage builds a bootable raw disk image holding both tlbrace
// kernels behind a GRUB menu, so the kernels can boot the way a PC boots
// a disk (BIOS → MBR → GRUB → Multiboot) instead of through QEMU's -kernel.
//
//	go run ./tools/mkimage [-o build/tlbrace.img] [-default N|ID] [-timeout S]
//	    [-build build] [-grub-dir /usr/lib/grub/i386-pc] [-serial-menu]
//	    [-install-deps]
//
//	qemu-system-x86_64 -drive file=build/tlbrace.img,format=raw -display none \
//	    -serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m 64M
//
// Layout, in 512-byte sectors:
//
//	LBA 0        GRUB's boot.img, keeping the MBR partition table (bootcode.go)
//	LBA 1..      GRUB's core.img from grub-mkimage                 (bootcode.go)
//	LBA 2048..   partition 1, FAT32: grub.cfg, kernels, initramfs  (disk.go)
//
// The menu and -default are in grubcfg.go; finding GRUB in grubfiles.go.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

// run parses the flags and writes the image.
func run(args []string, log io.Writer) error {
	fl := flag.NewFlagSet("mkimage", flag.ContinueOnError)
	fl.SetOutput(log)
	out := fl.String("o", "build/tlbrace.img", "image to write")
	build := fl.String("build", "build", "directory holding ARCH/kernel.elf and ARCH/initrd.cpio")
	grubDir := fl.String("grub-dir", defaultGrubDir, "GRUB's i386-pc files (boot.img, modules)")
	def := fl.String("default", defaultEntry, "menu entry booted after the timeout: index or id ("+ids()+")")
	timeout := fl.Int("timeout", 3, "seconds the menu waits")
	serialMenu := fl.Bool("serial-menu", false, "also show GRUB's menu on COM1 (interactive use; tests leave it off)")
	installDeps := fl.Bool("install-deps", false, "as root, apt-get install "+strings.Join(grubDebs, " ")+" if missing")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags only; see -h)", fl.Arg(0))
	}
	es := menu()
	d, err := pickDefault(es, *def)
	if err != nil {
		return err
	}
	if *timeout < 0 {
		return fmt.Errorf("-timeout %d: must be 0 or more", *timeout)
	}
	if err := ensureGrub(*grubDir, *installDeps, log); err != nil {
		return err
	}

	files := []file{{"/boot/grub/grub.cfg", []byte(grubConfig(es, d, *timeout, *serialMenu))}}
	for _, a := range arches {
		for _, name := range []string{"kernel.elf", "initrd.cpio"} {
			src := filepath.Join(*build, a, name)
			b, err := os.ReadFile(src)
			if err != nil {
				return fmt.Errorf("%v (build the kernels first: make build-all)", err)
			}
			files = append(files, file{"/boot/" + a + "/" + name, b})
		}
	}
	bootImg, err := os.ReadFile(filepath.Join(*grubDir, "boot.img"))
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "mkimage")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	core, err := buildCoreImg(*grubDir, tmp)
	if err != nil {
		return err
	}

	// Build in a directory of this run's own beside the target, then
	// rename: a reader (QEMU booting the image) never sees half an image,
	// and two runs at once cannot write into each other's.
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	partDir, err := os.MkdirTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.part")
	if err != nil {
		return err
	}
	defer os.RemoveAll(partDir)
	part := filepath.Join(partDir, filepath.Base(*out))
	if err := writeDisk(part, files); err != nil {
		return err
	}
	if err := addBootCode(part, bootImg, core); err != nil {
		return err
	}
	if err := os.Rename(part, *out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "mkimage: wrote %s (%d MiB, core.img %d sectors), default entry %d: %s\n",
		*out, st.Size()/mib, (len(core)+sectorSize-1)/sectorSize, d, es[d].ID)
	return nil
}

// addBootCode opens the image and writes GRUB's boot code into it.
func addBootCode(img string, bootImg, core []byte) error {
	f, err := os.OpenFile(img, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := writeBootCode(f, bootImg, core); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ids lists the menu as "0=id 1=id ..." for -h.
func ids() string {
	var s []string
	for i, e := range menu() {
		s = append(s, fmt.Sprintf("%d=%s", i, e.ID))
	}
	return strings.Join(s, " ")
}
