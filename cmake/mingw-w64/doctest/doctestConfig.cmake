# find_package(doctest) for the Windows cross build: the host's doctest.h, and its
# doctest_discover_tests() (which lists the cases through CMAKE_CROSSCOMPILING_EMULATOR).
include(${CMAKE_CURRENT_LIST_DIR}/../host_headers.cmake)
epmdump_host_headers(doctest::doctest doctest)
set(EPMDUMP_HOST_DOCTEST_CMAKE /usr/lib/cmake/doctest CACHE PATH "Folder holding the host's doctest.cmake")
list(APPEND CMAKE_MODULE_PATH ${EPMDUMP_HOST_DOCTEST_CMAKE})
