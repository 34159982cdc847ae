# Build options of libmrtshim, in one place.
option(MRTSHIM_SANITIZE "Build with AddressSanitizer and UBSan" OFF)
option(MRTSHIM_E2E "Register end-to-end tests with real daemons" ON)
