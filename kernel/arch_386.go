package kernel

const archName = "386"
