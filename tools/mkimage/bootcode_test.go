// Host tests for the boot-code patches (what grub-bios-setup would write)
// and the MBR partition entry helpers. They use made-up sectors, plus the
// real boot.img when GRUB is installed to check the documented offsets.
package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// fakeBootImg is a boot.img stand-in: 0xB0 everywhere, then 0x55 0xAA.
func fakeBootImg() []byte {
	b := bytes.Repeat([]byte{0xB0}, sectorSize)
	b[510], b[511] = 0x55, 0xAA
	return b
}

func TestPatchBootImg(t *testing.T) {
	mbr := make([]byte, sectorSize)
	for i := range mbr {
		mbr[i] = byte(i)
	}
	got, err := patchBootImg(fakeBootImg(), mbr, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint64(got[0x5c:]); v != 1 {
		t.Errorf("kernel sector at 0x5c = %d, want 1", v)
	}
	if got[0x64] != 0xFF || got[0x66] != 0x90 || got[0x67] != 0x90 {
		t.Errorf("boot drive/drive check = %#x %#x %#x, want 0xff 0x90 0x90", got[0x64], got[0x66], got[0x67])
	}
	// Kept from the old sector: BPB 0x03..0x5a, signature + table 0x1b8..0x1fe.
	if !bytes.Equal(got[0x03:0x5a], mbr[0x03:0x5a]) || !bytes.Equal(got[0x1b8:0x1fe], mbr[0x1b8:0x1fe]) {
		t.Error("BPB or partition table not copied from the old MBR")
	}
	// boot.img's code everywhere else, and its boot signature.
	for _, r := range [][2]int{{0, 3}, {0x5a, 0x5c}, {0x65, 0x66}, {0x68, 0x1b8}} {
		if !bytes.Equal(got[r[0]:r[1]], fakeBootImg()[r[0]:r[1]]) {
			t.Errorf("bytes %#x..%#x are not boot.img's", r[0], r[1])
		}
	}
	if got[510] != 0x55 || got[511] != 0xAA {
		t.Error("boot signature lost")
	}
	bad := fakeBootImg()
	bad[511] = 0
	if _, err := patchBootImg(bad, mbr, 1); err == nil {
		t.Error("boot.img without 0x55AA accepted")
	}
	if _, err := patchBootImg(fakeBootImg()[:100], mbr, 1); err == nil {
		t.Error("short boot.img accepted")
	}
}

// fakeCore is a core.img stand-in of n bytes whose block list has
// grub-mkimage's segment 0x820.
func fakeCore(n int) []byte {
	c := bytes.Repeat([]byte{0xC0}, n)
	binary.LittleEndian.PutUint16(c[sectorSize-2:], coreSegment)
	return c
}

func TestPatchCoreImg(t *testing.T) {
	got, err := patchCoreImg(fakeCore(3*sectorSize+100), 1) // 4 sectors once padded
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4*sectorSize {
		t.Fatalf("len = %d, want %d (padded to whole sectors)", len(got), 4*sectorSize)
	}
	bl := got[sectorSize-12 : sectorSize]
	start, n, seg := binary.LittleEndian.Uint64(bl), binary.LittleEndian.Uint16(bl[8:]), binary.LittleEndian.Uint16(bl[10:])
	if start != 2 || n != 3 || seg != 0x820 {
		t.Errorf("block list = start %d len %d seg %#x, want 2 3 0x820", start, n, seg)
	}
	wrong := fakeCore(2 * sectorSize)
	wrong[sectorSize-2] = 0
	if _, err := patchCoreImg(wrong, 1); err == nil {
		t.Error("core.img with a foreign block list accepted")
	}
	if _, err := patchCoreImg(fakeCore(partLBA*sectorSize), 1); err == nil {
		t.Error("core.img larger than the gap accepted")
	}
}

// TestRealGrubOffsets checks that the installed boot.img and diskboot.img
// hold GRUB's defaults at the offsets we patch (boot.S: kernel_sector = 1,
// boot_drive = 0xff, boot_drive_check = jmp; diskboot.S: start 2, seg 0x820).
func TestRealGrubOffsets(t *testing.T) {
	boot, err1 := os.ReadFile(filepath.Join(defaultGrubDir, "boot.img"))
	disk, err2 := os.ReadFile(filepath.Join(defaultGrubDir, "diskboot.img"))
	if err1 != nil || err2 != nil {
		t.Skipf("GRUB not installed (apt-get install %s): %v %v", grubDebs, err1, err2)
	}
	if v := binary.LittleEndian.Uint64(boot[kernelSector:]); v != 1 {
		t.Errorf("boot.img kernel_sector = %d, want GRUB's default 1", v)
	}
	if boot[bootDrive] != 0xFF || boot[driveCheck] != 0xEB {
		t.Errorf("boot.img boot_drive %#x, drive check opcode %#x; want 0xff, 0xeb (jmp)", boot[bootDrive], boot[driveCheck])
	}
	if v := binary.LittleEndian.Uint64(disk[blocklist:]); v != 2 {
		t.Errorf("diskboot.img block list start = %d, want 2", v)
	}
	if v := binary.LittleEndian.Uint16(disk[blocklist+10:]); v != coreSegment {
		t.Errorf("diskboot.img block list segment = %#x, want %#x", v, coreSegment)
	}
}

func TestCHS(t *testing.T) {
	for _, c := range []struct {
		lba     uint32
		h, s, c byte
	}{
		{0, 0, 1, 0},
		{2048, 32, 33, 0},                   // cyl 0, head 32, sector 33: fdisk's value
		{83967, 57, 52, 5},                  // our partition's last sector
		{300 * 255 * 63, 0, 1 | 1<<6, 0x2C}, // cyl 300 = 0x12C: bits 8-9 go in the sector byte
		{1024 * 255 * 63, 0xFE, 0xFF, 0xFF}, // past CHS: "use the LBA"
	} {
		h, s, cy := chs(c.lba)
		if h != c.h || s != c.s || cy != c.c {
			t.Errorf("chs(%d) = %d,%d,%d; want %d,%d,%d", c.lba, h, s, cy, c.h, c.s, c.c)
		}
	}
}

func TestPartitionSize(t *testing.T) {
	if n := partitionSize(nil); n != minFAT32 {
		t.Errorf("empty: %d, want %d", n, minFAT32)
	}
	big := []file{{"/x", make([]byte, 100*mib)}}
	if n := partitionSize(big); n != 129*mib {
		t.Errorf("100 MiB of files: %d MiB, want 129 (100 + 25 + 4)", n/mib)
	}
}
