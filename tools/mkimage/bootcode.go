// bootcode.go: GRUB's BIOS boot code, placed the way grub-bios-setup
// (grub-install) would place it, without needing a loop device or root.
//
// How a PC boots this disk:
//  1. The BIOS loads sector 0 (GRUB's boot.img, 512 bytes) to 0x7C00.
//  2. boot.img reads ONE sector, the LBA stored at its offset 0x5C, to
//     0x8000: the first sector of core.img (diskboot.img).
//  3. diskboot.img reads the rest of core.img using the block list in its
//     last 12 bytes, then jumps to it. core.img holds GRUB's kernel and the
//     modules we embed (disk, msdos partitions, FAT, multiboot, menu).
//  4. GRUB reads /boot/grub/grub.cfg from its prefix (hd0,msdos1) and shows
//     the menu; the chosen entry loads a kernel with `multiboot`.
//
// Offsets are from GRUB 2.06, include/grub/i386/pc/boot.h and the
// write_rootdev / save_blocklists code of util/setup.c (grub-bios-setup).
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

const (
	sectorSize = 512

	// boot.img (include/grub/i386/pc/boot.h):
	bpbStart     = 0x03  // GRUB_BOOT_MACHINE_BPB_START: a FAT BPB may live here
	bpbEnd       = 0x5a  // GRUB_BOOT_MACHINE_BPB_END
	kernelSector = 0x5c  // GRUB_BOOT_MACHINE_KERNEL_SECTOR: u64 LBA of core.img
	bootDrive    = 0x64  // GRUB_BOOT_MACHINE_BOOT_DRIVE: 0xFF = use the BIOS's DL
	driveCheck   = 0x66  // GRUB_BOOT_MACHINE_DRIVE_CHECK: a 2-byte jmp
	ntMagic      = 0x1b8 // GRUB_BOOT_MACHINE_WINDOWS_NT_MAGIC: disk signature
	partEnd      = 0x1fe // GRUB_BOOT_MACHINE_PART_END: then 0x55 0xAA

	// diskboot.img, core.img's first sector: its last 12 bytes are
	// struct grub_pc_bios_boot_blocklist {u64 start; u16 len; u16 segment}
	// (GRUB_BOOT_MACHINE_LIST_SIZE = 12).
	blocklist = sectorSize - 12
	// core.img after its first sector is loaded at segment 0x820
	// (GRUB_BOOT_I386_PC_KERNEL_SEG 0x800 + 0x200>>4).
	coreSegment = 0x820

	// coreLBA: core.img goes right after the MBR, in the gap before the
	// partition (the "embedding area" grub-bios-setup uses on msdos disks).
	coreLBA = 1
	// partLBA: the partition starts at 1 MiB, the usual alignment.
	partLBA = 2048
)

// grubModules are embedded in core.img: the FAT partition holds no
// /boot/grub/i386-pc, so everything grub.cfg uses must be here.
var grubModules = []string{
	"biosdisk", "part_msdos", "fat", // find and read the partition
	"multiboot",                    // multiboot / module commands
	"normal", "configfile", "echo", // read grub.cfg, show the menu
	"serial", "terminal", "terminfo", // -serial-menu: GRUB on COM1
}

// grubPrefix is where GRUB looks for grub.cfg: a fixed device, so core.img
// needs no search module and no root-device guessing.
const grubPrefix = "(hd0,msdos1)/boot/grub"

// buildCoreImg runs grub-mkimage and returns core.img.
func buildCoreImg(grubDir, tmp string) ([]byte, error) {
	out := filepath.Join(tmp, "core.img")
	args := append([]string{"-O", "i386-pc", "-d", grubDir, "-p", grubPrefix, "-o", out}, grubModules...)
	cmd := exec.Command("grub-mkimage", args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("grub-mkimage %v: %v\n%s", args, err, msg)
	}
	return os.ReadFile(out)
}

// patchBootImg returns boot.img ready for sector 0 of a disk whose current
// sector 0 is mbr (holding go-diskfs's partition table). Like
// grub-bios-setup it keeps the BPB and the NT signature + partition table
// of the old sector, points the kernel sector at core.img's LBA, lets
// boot.img use the BIOS boot drive, and disables the floppy drive check
// (needed for buggy BIOSes that pass DL=0 for a hard disk).
func patchBootImg(bootImg, mbr []byte, coreLBA uint64) ([]byte, error) {
	if len(bootImg) != sectorSize || len(mbr) != sectorSize {
		return nil, fmt.Errorf("boot.img and the MBR must be %d bytes (got %d and %d)", sectorSize, len(bootImg), len(mbr))
	}
	if bootImg[510] != 0x55 || bootImg[511] != 0xAA {
		return nil, fmt.Errorf("boot.img has no 0x55AA boot signature")
	}
	b := append([]byte(nil), bootImg...)
	copy(b[bpbStart:bpbEnd], mbr[bpbStart:bpbEnd])
	copy(b[ntMagic:partEnd], mbr[ntMagic:partEnd])
	binary.LittleEndian.PutUint64(b[kernelSector:], coreLBA)
	b[bootDrive] = 0xFF
	b[driveCheck], b[driveCheck+1] = 0x90, 0x90 // nop; nop
	return b, nil
}

// patchCoreImg fills in the block list of core.img's first sector so
// diskboot.img loads the remaining sectors from coreLBA+1 on: what
// save_blocklists writes (grub-mkimage leaves start = 2, diskboot.S's
// default, and already sets len). grub-bios-setup also adds Reed-Solomon
// redundancy bytes for damaged disks; left at 0 it is simply not used.
func patchCoreImg(core []byte, coreLBA uint64) ([]byte, error) {
	if len(core) < 2*sectorSize {
		return nil, fmt.Errorf("core.img is %d bytes: too small", len(core))
	}
	n := (len(core) + sectorSize - 1) / sectorSize // sectors, rounded up
	if coreLBA+uint64(n) > partLBA {
		return nil, fmt.Errorf("core.img needs %d sectors but only %d fit before the partition", n, partLBA-coreLBA)
	}
	c := make([]byte, n*sectorSize)
	copy(c, core)
	bl := c[blocklist:sectorSize]
	if got := binary.LittleEndian.Uint16(bl[10:]); got != coreSegment {
		return nil, fmt.Errorf("core.img block list segment is %#x, want %#x: not an i386-pc core.img?", got, coreSegment)
	}
	binary.LittleEndian.PutUint64(bl[0:], coreLBA+1)
	binary.LittleEndian.PutUint16(bl[8:], uint16(n-1))
	return c, nil
}

// writeBootCode puts boot.img into sector 0 and core.img at coreLBA of
// the image f (already partitioned and formatted).
func writeBootCode(f *os.File, bootImg, core []byte) error {
	mbr := make([]byte, sectorSize)
	if _, err := f.ReadAt(mbr, 0); err != nil {
		return err
	}
	boot, err := patchBootImg(bootImg, mbr, coreLBA)
	if err != nil {
		return err
	}
	c, err := patchCoreImg(core, coreLBA)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(boot, 0); err != nil {
		return err
	}
	_, err = f.WriteAt(c, coreLBA*sectorSize)
	return err
}
