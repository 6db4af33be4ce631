# Install rules: the header, the shared library with its SONAME chain, the static library, the
# command-line tool, a pkg-config file and a CMake config package. Both package files find the prefix relative to
# themselves, so `cmake --install build --prefix DIR` works whatever prefix was configured.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# What the Rust standard library inside libdictenstein.a needs from the system, as printed by
# `rustc --print native-static-libs` for x86_64/aarch64 Linux with glibc.
set(DICTENSTEIN_STATIC_LINK_FLAGS "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc")
set(DICTENSTEIN_STATIC_LINK_LIST "gcc_s;util;rt;m;dl")

install(FILES "${PROJECT_SOURCE_DIR}/include/dictenstein.h"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
# file(INSTALL) copies the two symlinks as symlinks, so the chain
# libdictenstein.so -> libdictenstein.so.0.1 -> libdictenstein.so.0.1.0 survives.
install(FILES
    "${DICTENSTEIN_LIB_DIR}/${DICTENSTEIN_REAL_FILE}"
    "${DICTENSTEIN_LIB_DIR}/${DICTENSTEIN_SONAME}"
    "${DICTENSTEIN_LIB_DIR}/libdictenstein.so"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(FILES "${DICTENSTEIN_LIB_DIR}/libdictenstein.a" DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(PROGRAMS "${DICTENSTEIN_CLI}" DESTINATION "${CMAKE_INSTALL_BINDIR}")

# pkg-config: ${pcfiledir} is <prefix>/<libdir>/pkgconfig; the way back up depends on libdir's depth.
file(RELATIVE_PATH DICTENSTEIN_PC_PREFIX_FROM_PCDIR
  "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" DICTENSTEIN_PC_PREFIX_FROM_PCDIR "${DICTENSTEIN_PC_PREFIX_FROM_PCDIR}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/dictenstein.pc.in"
  "${PROJECT_BINARY_DIR}/pkgconfig/dictenstein.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/dictenstein.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

set(DICTENSTEIN_SONAME_FILE "${DICTENSTEIN_SONAME}")
set(_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/dictenstein")
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/dictensteinConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/cmake/dictensteinConfig.cmake"
  INSTALL_DESTINATION "${_cmake_dir}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR)
# While the major version is 0 every minor release may change the ABI (the SONAME carries the
# minor), so a request for 0.1 accepts 0.1.x only.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/cmake/dictensteinConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES
    "${PROJECT_BINARY_DIR}/cmake/dictensteinConfig.cmake"
    "${PROJECT_BINARY_DIR}/cmake/dictensteinConfigVersion.cmake"
  DESTINATION "${_cmake_dir}")
