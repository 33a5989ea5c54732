package elf

// Native is the kind of executable this kernel runs (the amd64 build).
const Native = AMD64
