# epmdump_libpcap_oracle: libpcap's offline reader behind capture_file's interface
# (support/libpcap_file.hpp), what the tests and the pcap_reader fuzzer hold pcap_reader to.
# Defined where libpcap is found (pkg-config); epmdump itself never links it.
if(NOT TARGET epmdump_libpcap_oracle)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(PCAP IMPORTED_TARGET libpcap)
  endif()
  if(PCAP_FOUND)
    add_library(epmdump_libpcap_oracle STATIC ${CMAKE_CURRENT_LIST_DIR}/libpcap_file.cpp)
    target_include_directories(epmdump_libpcap_oracle PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
    target_link_libraries(epmdump_libpcap_oracle PUBLIC epmdump::capture PRIVATE PkgConfig::PCAP epmdump_warnings)
    target_compile_definitions(epmdump_libpcap_oracle PUBLIC EPMDUMP_HAVE_LIBPCAP_ORACLE=1)
  endif()
endif()
