# Build options of libmrtshim, in one place.
option(MRTSHIM_SANITIZE "Build with AddressSanitizer and UBSan" OFF)
option(MRTSHIM_TSAN "Build with ThreadSanitizer" OFF)
option(MRTSHIM_WERROR "Turn compiler warnings into errors (developers, CI)"
  OFF)
option(MRTSHIM_E2E "Register end-to-end tests with real daemons" ON)
if(MRTSHIM_SANITIZE AND MRTSHIM_TSAN)
  message(FATAL_ERROR "MRTSHIM_SANITIZE and MRTSHIM_TSAN exclude each other")
endif()
