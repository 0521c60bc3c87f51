# Cross-compiles epmdump for 64-bit Windows with Debian's mingw-w64 (g++-mingw-w64-x86-64):
#   cmake -S . -B build-mingw -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
# scripts/windows-test.sh builds this way and runs the tests under Wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

# The -posix variant: GCC 12's win32 thread model has no std::thread or std::mutex.
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static C++ runtime and winpthread: the .exe runs (and Wine runs it) with no DLLs beside it.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# ctest and doctest_discover_tests run the test .exe files through Wine.
if(NOT DEFINED CMAKE_CROSSCOMPILING_EMULATOR)
  set(CMAKE_CROSSCOMPILING_EMULATOR wine)
endif()

# pkg-config must not hand the host's Linux libraries (libpcap) to the Windows build.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/x86_64-w64-mingw32/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# The header-only dependencies (Boost.Asio/Endian/System/Uuid, CLI11, nlohmann-json, doctest)
# come from the host's /usr/include, but /usr/include itself must never reach the mingw
# compiler (glibc headers). The configs in mingw-w64/ link only those trees into one folder.
set(Boost_DIR ${CMAKE_CURRENT_LIST_DIR}/mingw-w64/Boost CACHE PATH "Boost headers for the Windows build")
set(CLI11_DIR ${CMAKE_CURRENT_LIST_DIR}/mingw-w64/CLI11 CACHE PATH "CLI11 headers for the Windows build")
set(nlohmann_json_DIR ${CMAKE_CURRENT_LIST_DIR}/mingw-w64/nlohmann_json CACHE PATH "nlohmann-json for the Windows build")
set(doctest_DIR ${CMAKE_CURRENT_LIST_DIR}/mingw-w64/doctest CACHE PATH "doctest for the Windows build")
