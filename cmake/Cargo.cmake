# Builds libdictenstein with cargo (release profile) and exposes it as the imported target
# dictenstein::dictenstein, laid out like an installed library: libdictenstein.so.<full
# version>, the SONAME link libdictenstein.so.0.<minor> and libdictenstein.so. The
# command-line tool (the workspace member cli/) is built beside it into bin/dictenstein.

find_program(CARGO_EXECUTABLE cargo HINTS "$ENV{HOME}/.cargo/bin" REQUIRED)

set(DICTENSTEIN_CARGO_TARGET_DIR "${CMAKE_CURRENT_SOURCE_DIR}/target" CACHE PATH "cargo target directory")
set(_cargo_out "${DICTENSTEIN_CARGO_TARGET_DIR}/release")
set(_lib_dir "${CMAKE_CURRENT_BINARY_DIR}/lib")
set(_real "libdictenstein.so.${PROJECT_VERSION}")
set(_soname "libdictenstein.so.${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}")

# cargo decides itself whether anything changed, so it runs on every build.
add_custom_target(dictenstein_cargo ALL
  COMMAND "${CARGO_EXECUTABLE}" build --release -p libdictenstein --lib
          --manifest-path "${CMAKE_CURRENT_SOURCE_DIR}/Cargo.toml"
          --target-dir "${DICTENSTEIN_CARGO_TARGET_DIR}"
  COMMAND "${CARGO_EXECUTABLE}" build --release -p dictenstein-cli --bin dictenstein
          --manifest-path "${CMAKE_CURRENT_SOURCE_DIR}/Cargo.toml"
          --target-dir "${DICTENSTEIN_CARGO_TARGET_DIR}"
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_CURRENT_BINARY_DIR}/bin"
  COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${_cargo_out}/dictenstein" "${CMAKE_CURRENT_BINARY_DIR}/bin/dictenstein"
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${_lib_dir}"
  COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${_cargo_out}/libdictenstein.so" "${_lib_dir}/${_real}"
  COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${_cargo_out}/libdictenstein.a" "${_lib_dir}/libdictenstein.a"
  COMMAND "${CMAKE_COMMAND}" -E create_symlink "${_real}" "${_lib_dir}/${_soname}"
  COMMAND "${CMAKE_COMMAND}" -E create_symlink "${_soname}" "${_lib_dir}/libdictenstein.so"
  BYPRODUCTS "${_lib_dir}/${_real}" "${_lib_dir}/libdictenstein.a" "${CMAKE_CURRENT_BINARY_DIR}/bin/dictenstein"
  WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
  COMMENT "cargo build --release (libdictenstein)"
  USES_TERMINAL)

add_library(dictenstein::dictenstein SHARED IMPORTED GLOBAL)
set_target_properties(dictenstein::dictenstein PROPERTIES
  IMPORTED_LOCATION "${_lib_dir}/${_real}"
  IMPORTED_SONAME "${_soname}"
  INTERFACE_INCLUDE_DIRECTORIES "${CMAKE_CURRENT_SOURCE_DIR}/include")

set(DICTENSTEIN_SHARED_LIBRARY "${_lib_dir}/${_real}" CACHE INTERNAL "")
set(DICTENSTEIN_LIB_DIR "${_lib_dir}" CACHE INTERNAL "")
set(DICTENSTEIN_CLI "${CMAKE_CURRENT_BINARY_DIR}/bin/dictenstein" CACHE INTERNAL "")
set(DICTENSTEIN_REAL_FILE "${_real}" CACHE INTERNAL "")
set(DICTENSTEIN_SONAME "${_soname}" CACHE INTERNAL "")
