// grubfiles.go: finding GRUB's BIOS files on the host, or installing them.
//
// Debian ships them in two packages:
//
//	grub-pc-bin   /usr/lib/grub/i386-pc/{boot.img,diskboot.img,*.mod,...}
//	grub-common   /usr/bin/grub-mkimage
//
// Installing these does not touch the host's own boot loader (that is the
// job of grub-pc, which we do not install).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// defaultGrubDir is where grub-pc-bin puts the i386-pc platform files.
const defaultGrubDir = "/usr/lib/grub/i386-pc"

// grubDebs are the Debian packages that provide what missingGrub checks.
var grubDebs = []string{"grub-pc-bin", "grub-common"}

// missingGrub names what is missing for building the boot code, or "".
func missingGrub(grubDir string) string {
	var miss []string
	for _, f := range []string{"boot.img", "diskboot.img", "kernel.img", "lzma_decompress.img", "moddep.lst"} {
		if _, err := os.Stat(filepath.Join(grubDir, f)); err != nil {
			miss = append(miss, filepath.Join(grubDir, f))
		}
	}
	if _, err := exec.LookPath("grub-mkimage"); err != nil {
		miss = append(miss, "grub-mkimage (on PATH)")
	}
	return strings.Join(miss, ", ")
}

// ensureGrub returns nil when GRUB's files are present. Otherwise, with
// install (-install-deps) as root where apt-get exists, it installs the
// Debian packages; else it returns an error saying what to install.
func ensureGrub(grubDir string, install bool, log io.Writer) error {
	miss := missingGrub(grubDir)
	if miss == "" {
		return nil
	}
	hint := "install Debian's " + strings.Join(grubDebs, " and ") +
		": apt-get install " + strings.Join(grubDebs, " ") +
		" (or run mkimage as root with -install-deps)"
	if !install {
		return fmt.Errorf("GRUB's BIOS boot files are missing (%s); %s", miss, hint)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("GRUB is missing (%s) and -install-deps needs root; %s", miss, hint)
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return errors.New("GRUB is missing (" + miss + ") and there is no apt-get; " + hint)
	}
	fmt.Fprintf(log, "mkimage: installing %s from Debian's packages\n", strings.Join(grubDebs, " "))
	for _, args := range [][]string{
		{"update", "-qq"},
		append([]string{"install", "-y", "-qq", "--no-install-recommends"}, grubDebs...),
	} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("apt-get %s: %w", strings.Join(args, " "), err)
		}
	}
	if miss := missingGrub(grubDir); miss != "" {
		return fmt.Errorf("still missing after installing %s: %s", strings.Join(grubDebs, " "), miss)
	}
	return nil
}
