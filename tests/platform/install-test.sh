#!/usr/bin/env bash
# Install and embed, from an existing build (default build/, as scripts/build.sh leaves it):
#  1. cmake --install into a temporary prefix, and check what landed there;
#  2. build tests/platform/consumer against that prefix (find_package(epmdump CONFIG)) and run it;
#     then consumer-codec (COMPONENTS codec, with nlohmann_json, PkgConfig and Threads disabled),
#     the same program through pkg-config (epmdump.pc), consumer-subdir (add_subdirectory), and a
#     BUILD_SHARED_LIBS=ON build whose installed epmdump runs (versioned SONAMEs, RPATH); none of
#     the consumers sets the C++ standard;
#  3. cpack -G DEB, check the packages' metadata and that every shared library epmdump loads
#     comes from a package the .deb depends on (what makes it run on a clean Debian 12);
#  4. install the .deb with dpkg in a throwaway root and run `epmdump --help`, a replay of the
#     installed capture and a bare `epmdump`, then remove it. The root is a clean Debian 12
#     (debootstrap) when EPMDUMP_DEB_ROOT=clean, else a copy-on-write overlay of this system
#     that is thrown away (needs root: unshare + mount); without root, step 4 is skipped.
#   bash tests/platform/install-test.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
build=$(realpath "${1:-${EPMDUMP_BUILD_DIR:-build}}")
log() { echo "[install-test] $*" >&2; }
fail() { echo "[install-test] FAIL: $*" >&2; exit 1; }
[ -f "$build/CMakeCache.txt" ] || fail "no build in $build (run scripts/build.sh first)"
# cpack -G DEB needs file and dpkg-shlibdeps (dpkg-dev); the clean root needs debootstrap.
deps=(--install)
[ "${EPMDUMP_DEB_ROOT:-overlay}" = clean ] && deps+=(--clean-root)
bash scripts/install-deps.sh "${deps[@]}" || fail "the packages of install-deps.sh ${deps[*]} are needed and could not be installed"
version=$(sed -n 's/^project(epmdump VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
tmp=$(mktemp -d /tmp/epmdump-install.XXXXXX)
bootstrap_pid=
# A failure before step 4 stops the background debootstrap (its own process group) first.
trap '[ -z "$bootstrap_pid" ] || { kill -- "-$bootstrap_pid" 2>/dev/null; wait "$bootstrap_pid" 2>/dev/null; }; rm -rf "$tmp"' EXIT
started=$SECONDS

# The clean Debian 12 root for step 4 is made now, in the background: debootstrap mostly waits
# on the network and the disk, so it overlaps the builds of steps 1-3 instead of following them.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && [ "${EPMDUMP_DEB_ROOT:-overlay}" = clean ]; then
    root=${EPMDUMP_CLEAN_ROOT:-$tmp/debian12}
    if [ ! -x "$root/usr/bin/dpkg" ]; then
        # The archive this machine's apt already fetches bookworm's main from (not a third-party
        # repository listed beside it, nor the security or updates suites).
        mirror=$(apt-get indextargets --format '$(RELEASE) $(COMPONENT) $(IDENTIFIER) $(REPO_URI)' 2>/dev/null |
                 awk '$1 == "bookworm" && $2 == "main" && $3 == "Packages" && m == "" { m = $4 } END { print m }')
        [ -n "$mirror" ] || fail "apt knows no archive serving bookworm main (run apt-get update)"
        log "debootstrap --variant=minbase bookworm $root $mirror (in the background)"
        setsid -w debootstrap --variant=minbase bookworm "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1 </dev/null &
        bootstrap_pid=$!
    fi
fi

# 1. cmake --install
cmake --build "$build" --target epmdump epmdump_man >/dev/null
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"
for f in bin/epmdump share/man/man1/epmdump.1.gz share/bash-completion/completions/epmdump \
    share/epmdump/samba-ad-dc-rpcdump.pcap share/doc/epmdump/SCHEMA.md \
    lib/cmake/epmdump/epmdumpConfig.cmake lib/cmake/epmdump/epmdumpConfigVersion.cmake \
    lib/cmake/epmdump/epmdump-codec-targets.cmake lib/cmake/epmdump/epmdump-capture-targets.cmake \
    lib/pkgconfig/epmdump.pc include/epmdump/version.hpp \
    include/epmdump/dcerpc/bind.hpp include/epmdump/epm/endpoint.hpp \
    include/epmdump/names/interface_names.inc lib/libepmdump_codec.a lib/libepmdump_capture.a \
    lib/libepmdump_session.a lib/libepmdump_client.a lib/libepmdump_output.a lib/libepmdump_exchange.a \
    lib/libepmdump_findings.a include/epmdump/findings/classifier.hpp include/epmdump/findings/rules.inc; do
    [ -e "$prefix/$f" ] || fail "cmake --install did not install $f"
done
# Authentication (GSS-API) where the build has it: its library and its part of the package.
with_auth=$(sed -n 's/^EPMDUMP_WITH_AUTH:BOOL=//p' "$build/CMakeCache.txt")
parts="codec session capture client exchange output findings"
if [ "$with_auth" = ON ]; then
    parts="$parts auth"
    for f in lib/libepmdump_auth.a lib/cmake/epmdump/epmdump-auth-targets.cmake include/epmdump/auth/credentials.hpp; do
        [ -e "$prefix/$f" ] || fail "cmake --install did not install $f"
    done
else
    [ ! -e "$prefix/include/epmdump/auth" ] || fail "cmake --install installed auth/ headers without EPMDUMP_WITH_AUTH"
fi
got=$("$prefix/bin/epmdump" --version)
[ "$got" = "epmdump $version" ] || fail "installed epmdump --version says '$got', CMake says $version"
log "installed $(find "$prefix" -type f | wc -l) files into $prefix; epmdump --version: $got"

# 2. A project outside the tree, against the installed package only.
log "building tests/platform/consumer against $prefix"
cmake -S tests/platform/consumer -B "$tmp/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=Release | grep -E "epmdump|Build files" >&2
cmake --build "$tmp/consumer" 2>&1 | tail -1 >&2
"$tmp/consumer/consumer" pcaps/samba-ad-dc-rpcdump.pcap >"$tmp/consumer.out"
head -2 "$tmp/consumer.out" >&2
grep -qx "replay: 1 conversations, 53 entries" "$tmp/consumer.out" || fail "consumer output: $(head -3 "$tmp/consumer.out")"
[ "$(grep -c '^{"schema"' "$tmp/consumer.out")" = 1 ] || fail "consumer did not write one JSON line"
# The README's example, against a closed loopback port: a typed failure in one JSON line.
"$tmp/consumer/readme_example" 127.0.0.1 1 >"$tmp/readme.out" 2>/dev/null && fail "readme_example: port 1 answered"
grep -q '"kind":"refused"' "$tmp/readme.out" || fail "readme_example printed: $(cat "$tmp/readme.out")"
# ... and a CIDR block of loopback addresses (127.0.0.4-7): one refused line per address.
"$tmp/consumer/readme_example" 127.0.0.4/30 1 >"$tmp/readme-block.out" 2>/dev/null && fail "readme_example: a block on port 1 answered"
[ "$(grep -c '"kind":"refused"' "$tmp/readme-block.out")" = 4 ] || fail "readme_example on 127.0.0.4/30 printed: $(cat "$tmp/readme-block.out")"
"$tmp/consumer/async_example" 127.0.0.1 1 >"$tmp/async.out" || fail "async_example failed"
[ "$(sort "$tmp/async.out" | tr '\n' ' ')" = "callback: refused future: refused " ] ||
    fail "async_example printed: $(cat "$tmp/async.out")"
if [ "$with_auth" = ON ]; then
    got=$("$tmp/consumer/auth_example") || fail "auth_example failed"
    [ "$got" = no_credentials ] || fail "auth_example printed: $got"
fi
# The headers must be the installed ones, not the checkout's.
grep -q -- "-I$src/lib\|-isystem $src/lib" "$tmp/consumer/compile_commands.json" 2>/dev/null &&
    fail "the consumer compiled against the source tree"

# Codec only: it must not need libpcap, pkg-config, nlohmann_json or threads.
log "building tests/platform/consumer-codec (COMPONENTS codec) against $prefix"
cmake -S tests/platform/consumer-codec -B "$tmp/consumer-codec" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_Threads=ON | grep -E "epmdump|Build files" >&2 || fail "consumer-codec did not configure"
cmake --build "$tmp/consumer-codec" 2>&1 | tail -1 >&2
codec_line="epmdump $version: e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0 8a885d04-1ceb-11c9-9fe8-08002b104860 ncacn_ip_tcp:10.0.0.5[135]"
got=$("$tmp/consumer-codec/consumer_codec")
[ "$got" = "$codec_line" ] || fail "consumer_codec printed: $got"
log "  $got"

# Without CMake: the same program built with pkg-config's flags, against the static libraries.
log "building consumer-codec with pkg-config --cflags --libs epmdump"
pc_flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs epmdump) || fail "pkg-config epmdump"
log "  pkg-config: $pc_flags"
# shellcheck disable=SC2086 # the flags are words
c++ -std=c++20 -o "$tmp/consumer_codec_pc" tests/platform/consumer-codec/main.cpp $pc_flags || fail "build with pkg-config flags"
[ "$("$tmp/consumer_codec_pc")" = "$codec_line" ] || fail "the pkg-config build printed: $("$tmp/consumer_codec_pc")"

# add_subdirectory: no tests, no CLI, no forced build type, no warning flags for the embedder.
log "building tests/platform/consumer-subdir (add_subdirectory of this checkout)"
cmake -S tests/platform/consumer-subdir -B "$tmp/consumer-subdir" -G Ninja -DEPMDUMP_SOURCE_DIR="$src" \
    >"$tmp/subdir.log" 2>&1 || { cat "$tmp/subdir.log" >&2; fail "consumer-subdir did not configure"; }
cmake --build "$tmp/consumer-subdir" >"$tmp/subdir-build.log" 2>&1 || { tail -20 "$tmp/subdir-build.log" >&2; fail "consumer-subdir did not build"; }
[ "$("$tmp/consumer-subdir/consumer_codec")" = "$codec_line" ] || fail "consumer-subdir printed something else"
grep -q "^CMAKE_BUILD_TYPE:STRING=$" "$tmp/consumer-subdir/CMakeCache.txt" || fail "add_subdirectory set a build type"

# BUILD_SHARED_LIBS=ON: versioned SONAMEs, and an installed epmdump that finds its libraries.
if [ "${EPMDUMP_SKIP_SHARED:-}" = 1 ]; then
    log "SKIPPED the shared-library build (EPMDUMP_SKIP_SHARED=1)"
else
    log "BUILD_SHARED_LIBS=ON build, install and run"
    # -O0 and one translation unit per library (CMake's unity build): this build checks SONAMEs,
    # RPATH and that the installed program runs, not the code (build/ has the -O2 one, with -Werror
    # under CI, file by file); both cut its compile time.
    cmake -S . -B "$tmp/shared" -G Ninja -DBUILD_SHARED_LIBS=ON -DEPMDUMP_BUILD_TESTS=OFF \
        -DCMAKE_CXX_FLAGS_RELEASE="-O0 -DNDEBUG" -DCMAKE_UNITY_BUILD=ON >/dev/null
    cmake --build "$tmp/shared" >"$tmp/shared-build.log" 2>&1 || { tail -20 "$tmp/shared-build.log" >&2; fail "shared build"; }
    cmake --install "$tmp/shared" --prefix "$tmp/shared-prefix" >/dev/null
    for part in $parts; do
        so="$tmp/shared-prefix/lib/libepmdump_$part.so.$version"
        [ -f "$so" ] || fail "no $so"
        soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
        [ "$soname" = "libepmdump_$part.so.${version%.*}" ] || fail "libepmdump_$part SONAME is '$soname'"
    done
    entries=$(cd / && "$tmp/shared-prefix/bin/epmdump" replay "$src/pcaps/samba-ad-dc-rpcdump.pcap" | grep -c ':NOT_PINGED') ||
        fail "the shared-library epmdump did not run"
    [ "$entries" = 53 ] || fail "the shared-library epmdump replayed $entries entries, not 53"
    log "  SONAME libepmdump_*.so.${version%.*}; installed epmdump (RPATH $(readelf -d "$tmp/shared-prefix/bin/epmdump" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')) replayed $entries entries"
fi

# 3. cpack -G DEB
log "cpack -G DEB"
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB >"$tmp/cpack.log") || { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB"; }
deb=$(ls "$build"/packages/epmdump_"$version"_*.deb)
dev=$(ls "$build"/packages/libepmdump-dev_"$version"_*.deb)
ls -l "$deb" "$dev" >&2
depends=$(dpkg-deb -f "$deb" Depends)
log "epmdump Depends: $depends"
dpkg-deb -c "$deb" >"$tmp/deb.list"
dpkg-deb -c "$dev" >"$tmp/dev.list"
grep -q '\./usr/bin/epmdump$' "$tmp/deb.list" || fail "the .deb has no /usr/bin/epmdump"
grep -q '\./usr/share/man/man1/epmdump.1.gz$' "$tmp/deb.list" || fail "the .deb has no man page"
grep -q '\./usr/lib/cmake/epmdump/epmdumpConfig.cmake$' "$tmp/dev.list" || fail "libepmdump-dev has no CMake package"
# Every library the binary needs is in a package the .deb depends on.
mkdir "$tmp/deb" && dpkg-deb -x "$deb" "$tmp/deb"
for lib in $(readelf -d "$tmp/deb/usr/bin/epmdump" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    # awk and sed read to the end: exiting early would SIGPIPE the writer, fatal under pipefail.
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ && p == "" { p = $NF } END { print p }')
    [ -n "$path" ] || fail "$lib (needed by epmdump) is not on this system"
    pkg=$( (dpkg -S "$(realpath "$path")" || dpkg -S "$path") 2>/dev/null | sed -n '1s/:.*//p')
    [ -n "$pkg" ] || fail "no package owns $path ($lib)"
    [[ ", $depends" == *", $pkg "* || ", $depends" == *", $pkg," || ", $depends" == *", $pkg" ]] ||
        fail "$lib comes from $pkg, which the .deb does not depend on ($depends)"
    log "  $lib <- $pkg (declared)"
done

# 4. dpkg -i in a throwaway root. The check runs inside it, from /tmp/debs.
mkdir -p "$tmp/debs"
cp "$deb" "$tmp/debs/epmdump.deb"
cat >"$tmp/debs/check.sh" <<'CHECK'
set -e
dpkg -i /tmp/debs/epmdump.deb >/dev/null
command -v epmdump
epmdump --help | head -3
epmdump replay --format json /usr/share/epmdump/samba-ad-dc-rpcdump.pcap >/tmp/replay.jsonl
echo "replay-entries=$(grep -o '"protseq"' /tmp/replay.jsonl | wc -l)"
echo "bare-entries=$(epmdump | grep -c ':NOT_PINGED')"
test -f /usr/share/bash-completion/completions/epmdump
dpkg -r epmdump >/dev/null
test ! -e /usr/bin/epmdump
echo DEB-OK
CHECK
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
    log "SKIPPED dpkg -i: needs root (mount namespace and chroot)"
elif [ "${EPMDUMP_DEB_ROOT:-overlay}" = clean ]; then
    if [ -n "$bootstrap_pid" ]; then
        t=$SECONDS
        wait "$bootstrap_pid" || { bootstrap_pid=; tail -n 20 "$tmp/debootstrap.log" >&2; fail "debootstrap (started in the background)"; }
        bootstrap_pid=
        log "debootstrap done (waited $((SECONDS - t)) s for it)"
    fi
    log "dpkg -i in a clean Debian 12 root ($root), dependencies from the Debian archive"
    rm -rf "$root/tmp/debs" && cp -r "$tmp/debs" "$root/tmp/debs"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    # The same date checks as this machine's apt, which may read an archive snapshot.
    apt-config dump | grep -E '^Acquire::Check-(Valid-Until|Date) ' >"$root/etc/apt/apt.conf.d/99host-acquire" || true
    unshare -m --propagation private sh -c '
        mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev"
        chroot "$1" sh -c "apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends /tmp/debs/epmdump.deb >/dev/null"
        chroot "$1" sh /tmp/debs/check.sh' sh "$root" | tee "$tmp/deb.out" >&2 ||
        fail "the .deb did not install or run in the clean root"
else
    # This system, copy-on-write: every change lands in a tmpfs and vanishes with the namespace.
    # The checkout is hidden, so a bare `epmdump` must replay the capture compiled into it.
    log "dpkg -i in a throwaway overlay of this system"
    mkdir -p "$tmp/root"
    unshare -m --propagation private sh -c '
        set -e
        mount -t tmpfs tmpfs "$1" && mkdir "$1/upper" "$1/work" "$1/merged"
        mount -t overlay overlay -o "lowerdir=/,upperdir=$1/upper,workdir=$1/work" "$1/merged"
        m=$1/merged
        mount -t proc proc "$m/proc" && mount --rbind /dev "$m/dev" && mount -t tmpfs tmpfs "$m/tmp"
        mount -t tmpfs tmpfs "$m$3"
        cp -r "$2" "$m/tmp/debs"
        chroot "$m" sh /tmp/debs/check.sh' sh "$tmp/root" "$tmp/debs" "$(dirname "$src")" | tee "$tmp/deb.out" >&2 ||
        fail "the .deb did not install or run in the overlay root"
fi
if [ -f "$tmp/deb.out" ]; then
    grep -qx DEB-OK "$tmp/deb.out" || fail "the .deb did not install and run"
    grep -qx "replay-entries=53" "$tmp/deb.out" || fail "replay of the installed capture did not print 53 entries"
    grep -qx "bare-entries=53" "$tmp/deb.out" || fail "a bare epmdump did not replay its compiled-in capture"
fi
log "all passed in $((SECONDS - started)) s"
