# find_package(nlohmann_json) for the Windows cross build: the host's header-only nlohmann-json.
include(${CMAKE_CURRENT_LIST_DIR}/../host_headers.cmake)
epmdump_host_headers(nlohmann_json::nlohmann_json nlohmann)
