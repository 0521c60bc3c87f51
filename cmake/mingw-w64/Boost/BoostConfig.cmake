# find_package(Boost CONFIG) for the Windows cross build: the host's header-only Boost.
include(${CMAKE_CURRENT_LIST_DIR}/../host_headers.cmake)
epmdump_host_headers(Boost::headers boost)
if(NOT TARGET Boost::boost)
  add_library(Boost::boost INTERFACE IMPORTED)
  set_target_properties(Boost::boost PROPERTIES INTERFACE_LINK_LIBRARIES Boost::headers)
endif()
set(Boost_INCLUDE_DIRS ${EPMDUMP_HOST_HEADERS})
set(Boost_VERSION ${PACKAGE_VERSION})
