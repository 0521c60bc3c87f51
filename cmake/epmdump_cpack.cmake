# `cpack -G DEB` (in the build folder): two Debian packages from the install components,
#   epmdump          the tool, epmdump(1), bash completion, the demo capture, the docs
#   libepmdump-dev   static libraries, headers and the CMake package
# `cpack -G ZIP` on Windows packs the same files.
set(CPACK_PACKAGE_NAME epmdump)
set(CPACK_PACKAGE_VENDOR "The epmdump authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "DCE/RPC endpoint-mapper client (rpcdump), capture replay and Exchange KB 926210 check")
set(CPACK_PACKAGE_CONTACT "The epmdump authors")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_COMPONENTS_ALL runtime development)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "epmdump command-line tool")
set(CPACK_COMPONENT_DEVELOPMENT_DESCRIPTION "epmdump C++ libraries, headers and CMake package")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # epmdump_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME epmdump)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION net)
# Library dependencies of bin/epmdump (libpcap, libstdc++, libc) from dpkg-shlibdeps.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libepmdump-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
# What find_package(epmdump) finds again: the codec needs only Boost 1.81 headers; the output
# and exchange components add nlohmann-json, capture adds libpcap through pkg-config.
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libboost1.81-dev")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_RECOMMENDS "nlohmann-json3-dev, libpcap-dev, pkg-config")
if(EPMDUMP_WITH_AUTH)
  string(APPEND CPACK_DEBIAN_DEVELOPMENT_PACKAGE_RECOMMENDS ", libkrb5-dev, libssl-dev")
endif()
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SUGGESTS "epmdump")

set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF) # ZIP/TGZ: one archive with everything
include(CPack)
