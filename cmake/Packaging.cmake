# Install rules for what is not a target: public headers, man pages, the
# pkg-config file and the CMake package. (Targets install themselves in
# their own CMakeLists.txt; debian/ builds the packages from these rules.)
# Included from the top-level CMakeLists.txt after the targets exist.
include(CMakePackageConfigHelpers)
set(MRTSHIM_PKG_BINARY_DIR ${PROJECT_BINARY_DIR}/packaging)

# Public headers and man pages.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/mrtshim
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_SOURCE_DIR}/doc/mrtshim.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/doc/libmrtshim.7
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man7)

# libmrtshim.pc, written at install time so that its prefix is the one
# installed to (cmake --install --prefix) rather than the configured one.
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(MRTSHIM_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(MRTSHIM_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
set(MRTSHIM_PC_OUT ${MRTSHIM_PKG_BINARY_DIR}/pc/libmrtshim.pc)
install(CODE "
  set(PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(PC_LIBDIR [=[${MRTSHIM_PC_LIBDIR}]=])
  set(PC_INCLUDEDIR [=[${MRTSHIM_PC_INCLUDEDIR}]=])
  set(PC_VERSION \"${PROJECT_VERSION}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/cmake/libmrtshim.pc.in\"
    \"${MRTSHIM_PC_OUT}\" @ONLY)")
install(FILES ${MRTSHIM_PC_OUT}
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CMake package: find_package(libmrtshim) -> libmrtshim::mrtshim.
set(MRTSHIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/libmrtshim)
set(LIBMRTSHIM_LIBDIR ${CMAKE_INSTALL_LIBDIR})
set(LIBMRTSHIM_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
get_target_property(MRTSHIM_LIB_VERSION mrtshim VERSION)
get_target_property(MRTSHIM_SOVERSION mrtshim SOVERSION)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/libmrtshimConfig.cmake.in
  ${MRTSHIM_PKG_BINARY_DIR}/libmrtshimConfig.cmake
  INSTALL_DESTINATION ${MRTSHIM_CMAKE_DIR}
  PATH_VARS LIBMRTSHIM_LIBDIR LIBMRTSHIM_INCLUDEDIR)
# 0.x: a minor release may break the API
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(MRTSHIM_COMPAT SameMinorVersion)
else()
  set(MRTSHIM_COMPAT SameMajorVersion)
endif()
write_basic_package_version_file(
  ${MRTSHIM_PKG_BINARY_DIR}/libmrtshimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY ${MRTSHIM_COMPAT})
install(FILES
  ${MRTSHIM_PKG_BINARY_DIR}/libmrtshimConfig.cmake
  ${MRTSHIM_PKG_BINARY_DIR}/libmrtshimConfigVersion.cmake
  DESTINATION ${MRTSHIM_CMAKE_DIR})
