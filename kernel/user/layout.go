package user

import (
	"tlbrace/kernel/mm"
	"tlbrace/kernel/user/abi"
)

// The user address-space layout the kernel gives every program, inside
// [mm.UserBase, mm.UserTop):
//
//	text/data   where the ELF says (linked at UserBase + 0x1000)
//	private     16 pages at a per-task address no other task maps, so a
//	            task running on another task's page tables faults there
//	shared      1 page at the same address in every task, each with its
//	            own contents: on another task's tables it reads *their*
//	            signature (silent cross-address-space access)
//	stack       StackPages below StackTop
const (
	PrivatePages = abi.PrivatePages
	SharedPages  = abi.SharedPages
	privateStart = mm.UserBase + 0x1000_0000
	privateGap   = 0x0010_0000 // 1 MiB between tasks' private regions
	SharedVA     = mm.UserBase + 0x2000_0000
	StackPages   = 4
	StackTop     = mm.UserBase + 0x3000_0000
)

// abi.PageSize is the user programs' copy of mm.PageSize (abi imports no
// kernel package): if they ever differ, one of these arrays has a negative
// length and the build fails.
var (
	_ [mm.PageSize - abi.PageSize]byte
	_ [abi.PageSize - mm.PageSize]byte
)

// privateSlots is how many distinct private regions fit below SharedVA.
const privateSlots = (SharedVA - privateStart) / privateGap

// PrivateBase is the private data address of address space m: distinct
// for every live mm (ids are handed out in sequence; two live mms would
// collide only after privateSlots newer ones were created).
func PrivateBase(m *mm.MM) uintptr {
	return privateStart + uintptr(m.ID%privateSlots)*privateGap
}
