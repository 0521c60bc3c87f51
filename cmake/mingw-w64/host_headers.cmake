# Shared by the package configs beside it: one folder that holds only the header trees the
# Windows build may take from the host (never /usr/include itself, which is glibc's).
include_guard(GLOBAL)
set(EPMDUMP_HOST_INCLUDE /usr/include CACHE PATH "Where the host's header-only libraries live")
set(EPMDUMP_HOST_HEADERS ${CMAKE_BINARY_DIR}/host-headers CACHE PATH
    "Folder holding only boost/, CLI/, nlohmann/, doctest/ (links into EPMDUMP_HOST_INCLUDE)")
foreach(tree boost CLI nlohmann doctest)
  if(NOT EXISTS ${EPMDUMP_HOST_HEADERS}/${tree} AND EXISTS ${EPMDUMP_HOST_INCLUDE}/${tree})
    file(MAKE_DIRECTORY ${EPMDUMP_HOST_HEADERS})
    file(CREATE_LINK ${EPMDUMP_HOST_INCLUDE}/${tree} ${EPMDUMP_HOST_HEADERS}/${tree} SYMBOLIC)
  endif()
endforeach()

# epmdump_host_headers(TARGET TREE): an imported header-only target over one tree.
macro(epmdump_host_headers target tree)
  if(NOT EXISTS ${EPMDUMP_HOST_HEADERS}/${tree})
    set(${CMAKE_FIND_PACKAGE_NAME}_FOUND FALSE)
    set(${CMAKE_FIND_PACKAGE_NAME}_NOT_FOUND_MESSAGE "no ${tree}/ in ${EPMDUMP_HOST_INCLUDE}")
    return()
  endif()
  if(NOT TARGET ${target})
    add_library(${target} INTERFACE IMPORTED)
    set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${EPMDUMP_HOST_HEADERS})
  endif()
endmacro()
