/// Every guest test, grouped by the subsystem it checks.
let allGuestTests: [GuestTest] =
    foundationTests + memoryGuestTests + linuxABIGuestTests + schedulerGuestTests + applicationGuestTests + serviceGuestTests + soakGuestTests + procfsGuestTests + deviceGuestTests + diskGuestTests + shareGuestTests
    + networkGuestTests + observabilityGuestTests + securityGuestTests
