// The kernel starts at `pvh_start32` (Sources/CKernel/Boot/pvh_entry.S), which calls
// `kernel_main` in Boot/KernelMain.swift. SwiftPM requires an executable target to have a
// main file; this one is empty on purpose.
