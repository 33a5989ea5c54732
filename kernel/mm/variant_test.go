package mm

import (
	"testing"

	"tlbrace/kernel/cmdline"
)

// TestVariantsMatchCommandLine: the kernel turns flush= into a Variant by
// its index, so cmdline's values must be exactly mm's names, in order.
func TestVariantsMatchCommandLine(t *testing.T) {
	_, err := cmdline.Parse("flush=no-such-variant")
	if err == nil {
		t.Fatal("flush=no-such-variant accepted")
	}
	if len(err.Valid) != int(NumVariants) {
		t.Fatalf("flush= takes %d values %q, mm has %d variants", len(err.Valid), err.Valid, NumVariants)
	}
	for v := Variant(0); v < NumVariants; v++ {
		if err.Valid[v] != v.String() {
			t.Errorf("flush= value %d is %q, mm.Variant(%d) is %q", v, err.Valid[v], v, v)
		}
		o, perr := cmdline.Parse("flush=" + v.String())
		if perr != nil || Variant(o.Flush) != v {
			t.Errorf("flush=%s parses to %d (%v), want %d", v, o.Flush, perr, v)
		}
		if got, ok := VariantNamed(v.String()); !ok || got != v {
			t.Errorf("VariantNamed(%q) = %d, %v", v, got, ok)
		}
	}
	if _, ok := VariantNamed("no-such-variant"); ok {
		t.Error("VariantNamed accepted an unknown name")
	}
}

// TestShootdownNamesMatchCmdline: shootdown='s values, in order, are the
// ShootdownVariant names.
func TestShootdownNamesMatchCmdline(t *testing.T) {
	o, err := cmdline.Parse("k shootdown=noreload")
	if err != nil || ShootdownVariant(o.Shootdown) != ShootdownNoReload {
		t.Errorf("shootdown=noreload -> %v, %v", ShootdownVariant(o.Shootdown), err)
	}
	for v := ShootdownVariant(0); v < NumShootdownVariants; v++ {
		o, err := cmdline.Parse("k shootdown=" + v.String())
		if err != nil || ShootdownVariant(o.Shootdown) != v {
			t.Errorf("shootdown=%s does not select variant %d", v, v)
		}
	}
}
