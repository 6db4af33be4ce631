#!/usr/bin/env bash
# Installs the build into a temporary prefix and uses it the ways a C/C++ project would:
# the CMake package (shared and static targets, version check) and pkg-config (shared and
# static), building examples/install/ out of tree and running what it builds.
# usage: test_install.sh BUILD_DIR SOURCE_DIR CMAKE SONAME
set -euo pipefail
build=$1 src=$2 cmake=$3 soname=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fails=0
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi
}
fails_to() { ! "$@"; }

"$cmake" --install "$build" --prefix "$prefix" >/dev/null
lib=$prefix/lib
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$src/Cargo.toml" | head -1)
check "header installed" test -f "$prefix/include/dictenstein.h"
check "static library installed" test -f "$lib/libdictenstein.a"
check "SONAME link points at the real file" test "$(readlink "$lib/$soname")" = "libdictenstein.so.$version"
check "the real file is a file, not a link" sh -c "test -f '$lib/libdictenstein.so.$version' && test ! -L '$lib/libdictenstein.so.$version'"
check "dev link points at the SONAME link" test "$(readlink "$lib/libdictenstein.so")" = "$soname"
check "library's SONAME is $soname" sh -c "readelf -d '$lib/libdictenstein.so' | grep -q 'SONAME.*\\[$soname\\]'"
check "pkg-config file installed" test -f "$lib/pkgconfig/dictenstein.pc"
check "CMake package installed" test -f "$lib/cmake/dictenstein/dictensteinConfigVersion.cmake"
check "command-line tool installed and runs" "$prefix/bin/dictenstein" --version

echo "-- find_package(dictenstein)"
"$cmake" -S "$src/examples/install" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
"$cmake" --build "$work/cmake-build" >/dev/null
expect_words() { # expect_words PROGRAM: the C example's output
  local out
  out=$("$@") || return 1
  grep -q '^libdictenstein .*: help -> 2$' <<<"$out" && grep -q '^  hello (distance 1)$' <<<"$out"
}
check "C program (shared, find_package) runs" expect_words "$work/cmake-build/hello_c"
check "C program (static, find_package) runs" expect_words "$work/cmake-build/hello_static"
check "static program does not need libdictenstein.so" \
  sh -c "! readelf -d '$work/cmake-build/hello_static' | grep -q libdictenstein"
check "C++ program (find_package) runs" sh -c "'$work/cmake-build/hello_cpp' '$work/store1' | grep -q '^greeting -> hello from C++$'"

# The version file: 0.x minor releases may break the ABI, so 0.1 accepts 0.1.x only.
version_probe() { # version_probe REQUEST: configures a project asking for that version
  mkdir -p "$work/probe-$1"
  printf 'cmake_minimum_required(VERSION 3.18)\nproject(p C)\nfind_package(dictenstein %s REQUIRED)\n' "$1" \
    >"$work/probe-$1/CMakeLists.txt"
  "$cmake" -S "$work/probe-$1" -B "$work/probe-$1/b" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1
}
check "find_package(dictenstein 0.1) is accepted" version_probe 0.1
check "find_package(dictenstein 0.2) is refused" fails_to version_probe 0.2
check "find_package(dictenstein 0.0) is refused" fails_to version_probe 0.0

echo "-- pkg-config"
export PKG_CONFIG_PATH=$lib/pkgconfig
check "pkg-config --modversion" test "$(pkg-config --modversion dictenstein)" = "$version"
# shellcheck disable=SC2046
cc -Wall -Werror -o "$work/pc_c" "$src/examples/install/hello.c" $(pkg-config --cflags --libs dictenstein)
check "C program (shared, pkg-config) output" expect_words env LD_LIBRARY_PATH="$lib" "$work/pc_c"
# shellcheck disable=SC2046
c++ -std=c++17 -Wall -Werror -o "$work/pc_cpp" "$src/examples/install/hello.cpp" $(pkg-config --cflags --libs dictenstein)
check "C++ program (pkg-config) runs" sh -c "LD_LIBRARY_PATH='$lib' '$work/pc_cpp' '$work/store2' | grep -q '^greeting -> hello from C++$'"
# Static: the archive plus Libs.private, with nothing else needed at run time.
static_flags=$(pkg-config --static --libs dictenstein | sed 's/-ldictenstein/-Wl,-Bstatic -ldictenstein -Wl,-Bdynamic/')
# shellcheck disable=SC2086
cc -Wall -Werror -o "$work/pc_static" "$src/examples/install/hello.c" $(pkg-config --cflags dictenstein) $static_flags
check "C program (static, pkg-config Libs.private) runs" expect_words "$work/pc_static"
check "static program (pkg-config) does not need libdictenstein.so" \
  sh -c "! readelf -d '$work/pc_static' | grep -q libdictenstein"

if [ -f "$prefix/share/java/dictenstein.jar" ]; then
  echo "-- Java, from the installed jar and JNI library"
  check "JNI library installed beside libdictenstein" test -f "$lib/libdictenstein_jni.so"
  javac -d "$work/java" -cp "$prefix/share/java/dictenstein.jar" "$src/bindings/java/example/Example.java"
  check "Java example runs against the install" sh -c "java -Djava.library.path='$lib' -cp '$prefix/share/java/dictenstein.jar:$work/java' Example | grep -q '^visits -> 1$'"
fi

echo "-- relocation"
mv "$prefix" "$work/moved"
check "pkg-config follows a moved prefix" sh -c "PKG_CONFIG_PATH='$work/moved/lib/pkgconfig' pkg-config --cflags dictenstein | grep -q -- '-I$work/moved/lib/pkgconfig/../../include'"
check "find_package follows a moved prefix" sh -c "rm -rf '$work/cmake-build2' && '$cmake' -S '$src/examples/install' -B '$work/cmake-build2' -DCMAKE_PREFIX_PATH='$work/moved' >/dev/null"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
