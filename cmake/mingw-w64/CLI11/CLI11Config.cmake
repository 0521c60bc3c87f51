# find_package(CLI11) for the Windows cross build: the host's header-only CLI11.
include(${CMAKE_CURRENT_LIST_DIR}/../host_headers.cmake)
epmdump_host_headers(CLI11::CLI11 CLI)
