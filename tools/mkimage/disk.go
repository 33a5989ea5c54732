// disk.go: the disk itself, made with go-diskfs: an MBR partition table
// with one FAT32 partition from LBA 2048 (1 MiB) to the end, holding
//
//	/boot/grub/grub.cfg
//	/boot/amd64/kernel.elf  /boot/amd64/initrd.cpio
//	/boot/386/kernel.elf    /boot/386/initrd.cpio
//
// go-diskfs writes no boot code; bootcode.go adds GRUB afterwards.
package main

import (
	"fmt"
	"os"
	"path"

	diskfs "github.com/diskfs/go-diskfs"
	"github.com/diskfs/go-diskfs/disk"
	"github.com/diskfs/go-diskfs/filesystem"
	"github.com/diskfs/go-diskfs/partition/mbr"
)

const (
	mib = 1 << 20
	// minFAT32: FAT32 proper needs at least 65525 clusters; go-diskfs uses
	// 512-byte clusters below 260 MiB, so 33 MiB of partition is the least.
	// 40 leaves room for the FATs and reserved sectors.
	minFAT32 = 40 * mib
)

// file is one file to put on the FAT partition.
type file struct {
	Path string // absolute path inside the partition, e.g. /boot/386/kernel.elf
	Data []byte
}

// partitionSize is the FAT partition size for these files: at least
// minFAT32, else their size plus a quarter and 4 MiB, in whole MiB.
func partitionSize(files []file) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	n += n/4 + 4*mib
	n = (n + mib - 1) / mib * mib
	return max(n, minFAT32)
}

// chs encodes an LBA as the 3 CHS bytes of an MBR entry (head, sector |
// cylinder high bits, cylinder low) for 255 heads and 63 sectors/track;
// past cylinder 1023 it saturates to 0xFE 0xFF 0xFF ("use the LBA").
func chs(lba uint32) (h, s, c byte) {
	cyl := lba / (255 * 63)
	if cyl > 1023 {
		return 0xFE, 0xFF, 0xFF
	}
	head := (lba / 63) % 255
	sec := lba%63 + 1
	return byte(head), byte(sec) | byte(cyl>>8)<<6, byte(cyl)
}

// writeDisk creates the image at out (which must not exist): partition
// table, FAT32 filesystem (Reproducible: fixed volume ID and times) and the
// files. The caller adds the boot code.
func writeDisk(out string, files []file) error {
	partBytes := partitionSize(files)
	size := partLBA*sectorSize + partBytes
	d, err := diskfs.Create(out, size, diskfs.SectorSize512)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	if err := fill(d, out, files, partBytes); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

// fill partitions and formats d and copies the files in.
func fill(d *disk.Disk, out string, files []file, partBytes int64) error {

	p := &mbr.Partition{
		Index:    1, // go-diskfs counts partitions from 1 and wants it set
		Bootable: true,
		Type:     mbr.Fat32LBA,
		Start:    partLBA,
		Size:     uint32(partBytes / sectorSize),
	}
	p.StartHead, p.StartSector, p.StartCylinder = chs(p.Start)
	p.EndHead, p.EndSector, p.EndCylinder = chs(p.Start + p.Size - 1)
	table := &mbr.Table{LogicalSectorSize: sectorSize, PhysicalSectorSize: sectorSize, Partitions: []*mbr.Partition{p}}
	if err := d.Partition(table); err != nil {
		return fmt.Errorf("partition %s: %w", out, err)
	}
	fs, err := d.CreateFilesystem(disk.FilesystemSpec{
		Partition:    1,
		FSType:       filesystem.TypeFat32,
		VolumeLabel:  "TLBRACE",
		Reproducible: true,
	})
	if err != nil {
		return fmt.Errorf("format %s: %w", out, err)
	}
	for _, f := range files {
		if err := fs.Mkdir(path.Dir(f.Path)); err != nil {
			return fmt.Errorf("mkdir %s: %w", path.Dir(f.Path), err)
		}
		w, err := fs.OpenFile(f.Path, os.O_CREATE|os.O_RDWR)
		if err != nil {
			return fmt.Errorf("create %s: %w", f.Path, err)
		}
		if _, err := w.Write(f.Data); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		if err := w.Close(); err != nil {
			return fmt.Errorf("close %s: %w", f.Path, err)
		}
	}
	return nil
}
