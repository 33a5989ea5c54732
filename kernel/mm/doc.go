// Package mm is the memory half of the race: physical frames, page tables,
// address spaces (mm) and the TLB flush primitives.
//
// Layout of every address space (both architectures):
//
//	kernel part   identity-mapped RAM, the local APIC page; supervisor-only,
//	              Global, the same page tables shared by every mm
//	user part     386: [0x40000000, 0xC0000000)  amd64: [512 GiB, 128 TiB)
//	              private to one mm: no two mms share a user page table
//
// The page-table walker works on physical addresses through physToVirt,
// which is the identity in the kernel (all RAM is identity-mapped) and a
// test arena on the host, so the walker is unit-tested with `go test`.
package mm
