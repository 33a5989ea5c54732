// Host test for disk.go: the image go-diskfs writes has our partition
// entry, reads back with the files we put in, and is byte-for-byte the same
// when built twice (Reproducible FAT). Needs no GRUB.
package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	diskfs "github.com/diskfs/go-diskfs"
)

func TestWriteDisk(t *testing.T) {
	files := []file{
		{"/boot/grub/grub.cfg", []byte("set timeout=3\n")},
		{"/boot/amd64/kernel.elf", bytes.Repeat([]byte("k64"), 100000)},
		{"/boot/386/initrd.cpio", bytes.Repeat([]byte("i32"), 5000)},
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.img"), filepath.Join(dir, "b.img")
	for _, p := range []string{a, b} {
		if err := writeDisk(p, files); err != nil {
			t.Fatal(err)
		}
	}
	imgA, _ := os.ReadFile(a)
	imgB, _ := os.ReadFile(b)
	if !bytes.Equal(imgA, imgB) {
		t.Error("two builds of the same files differ: not reproducible")
	}
	if want := int64(partLBA*sectorSize + minFAT32); int64(len(imgA)) != want {
		t.Errorf("image is %d bytes, want %d", len(imgA), want)
	}

	// Partition entry 1 at 0x1be: active, type 0x0c (FAT32 LBA), LBA 2048.
	e := imgA[0x1be : 0x1be+16]
	if e[0] != 0x80 || e[4] != 0x0c || binary.LittleEndian.Uint32(e[8:]) != partLBA ||
		binary.LittleEndian.Uint32(e[12:]) != minFAT32/sectorSize {
		t.Errorf("partition entry % x", e)
	}
	if imgA[510] != 0x55 || imgA[511] != 0xAA {
		t.Error("no MBR signature")
	}

	d, err := diskfs.Open(a, diskfs.WithOpenMode(diskfs.ReadOnly))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	fs, err := d.GetFilesystem(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		r, err := fs.OpenFile(f.Path, os.O_RDONLY)
		if err != nil {
			t.Errorf("open %s: %v", f.Path, err)
			continue
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, f.Data) {
			t.Errorf("%s reads back %d bytes (err %v), want %d", f.Path, len(got), err, len(f.Data))
		}
	}
}
