# `cmake --install`: epmdump, the libraries, their headers, epmdump(1), bash completion and
# the CMake package (find_package(epmdump CONFIG) -> epmdump::codec, epmdump::dcerpc, ...).
# Two install components, which are also the two Debian packages (cmake/epmdump_cpack.cmake):
#   runtime      bin/epmdump, the man page, the completion, the demo capture, the docs
#   development  the static libraries, headers and CMake package
include(CMakePackageConfigHelpers)

set(EPMDUMP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/epmdump
    CACHE STRING "Where the CMake package files go, relative to the prefix")

# Our warning flags are linked PRIVATE, which a static library still lists (as LINK_ONLY);
# exported under an internal name it carries no flags to consumers.
set_target_properties(epmdump_warnings PROPERTIES EXPORT_NAME detail_warnings)
# Its flags (-Werror in CI) stay in this build tree.
get_target_property(epmdump_warning_flags epmdump_warnings INTERFACE_COMPILE_OPTIONS)
set(epmdump_build_only_flags)
foreach(flag ${epmdump_warning_flags})
  list(APPEND epmdump_build_only_flags "$<BUILD_INTERFACE:${flag}>")
endforeach()
set_target_properties(epmdump_warnings PROPERTIES INTERFACE_COMPILE_OPTIONS "${epmdump_build_only_flags}")

# One export file per library (epmdump-<part>-targets.cmake), so that the package config loads,
# and finds the dependencies of, only the components a consumer asks for. The codec's carries
# its layers and the (flag-less) warnings target every library lists.
set(epmdump_codec_export_targets epmdump_codec epmdump_warnings)
foreach(layer ${EPMDUMP_CODEC_LAYERS})
  list(APPEND epmdump_codec_export_targets epmdump_layer_${layer})
endforeach()
foreach(part ${EPMDUMP_LIBRARIES})
  if(part STREQUAL codec)
    set(targets ${epmdump_codec_export_targets})
  else()
    set(targets epmdump_${part})
  endif()
  install(TARGETS ${targets} EXPORT epmdump_${part}_targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT development
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
  install(EXPORT epmdump_${part}_targets NAMESPACE epmdump:: FILE epmdump-${part}-targets.cmake
    DESTINATION ${EPMDUMP_INSTALL_CMAKEDIR} COMPONENT development)
endforeach()
# `cmake --install --strip` and cpack: CMake strips executables but not static libraries;
# their debug sections are most of their size, so drop those (the symbols stay).
if(CMAKE_STRIP AND NOT BUILD_SHARED_LIBS)
  foreach(part ${EPMDUMP_LIBRARIES})
    install(CODE "if(CMAKE_INSTALL_DO_STRIP)
  execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
    \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:epmdump_${part}>\")
endif()" COMPONENT development)
  endforeach()
endif()
# auth/'s headers only with the library they declare (EPMDUMP_WITH_AUTH): without it they would
# promise classes no installed library defines.
set(epmdump_header_excludes)
if(NOT EPMDUMP_WITH_AUTH)
  list(APPEND epmdump_header_excludes PATTERN "auth" EXCLUDE)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/epmdump DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT development
  FILES_MATCHING PATTERN "*.hpp" PATTERN "*.inc" ${epmdump_header_excludes})

# What the package config must find again for the exported link interfaces.
get_target_property(EPMDUMP_PCAP_BACKEND epmdump_capture EPMDUMP_PCAP_BACKEND)
string(REPLACE ";" " " EPMDUMP_EXPORTED_LIBRARIES "${EPMDUMP_LIBRARIES}")
string(REPLACE ";" " " EPMDUMP_EXPORTED_LAYERS "${EPMDUMP_CODEC_LAYERS}")
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/epmdumpConfig.cmake.in
  ${PROJECT_BINARY_DIR}/epmdumpConfig.cmake
  INSTALL_DESTINATION ${EPMDUMP_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/epmdumpConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/epmdumpConfig.cmake ${PROJECT_BINARY_DIR}/epmdumpConfigVersion.cmake
  DESTINATION ${EPMDUMP_INSTALL_CMAKEDIR} COMPONENT development)

# pkg-config, for builds without CMake: `pkg-config --cflags --libs epmdump`.
# Static libraries need their dependencies named publicly; shared ones only privately.
set(EPMDUMP_PC_REQUIRES)
if(EPMDUMP_PCAP_BACKEND STREQUAL libpcap)
  set(EPMDUMP_PC_REQUIRES libpcap)
endif()
if(EPMDUMP_WITH_EXPAT)
  string(APPEND EPMDUMP_PC_REQUIRES " expat") # nmap XML input (libepmdump_output)
endif()
set(EPMDUMP_PC_AUTH_LIB)
if(EPMDUMP_WITH_AUTH)
  string(APPEND EPMDUMP_PC_REQUIRES " krb5-gssapi krb5 libcrypto")
  set(EPMDUMP_PC_AUTH_LIB "-lepmdump_auth ")
endif()
if(BUILD_SHARED_LIBS)
  set(EPMDUMP_PC_REQUIRES_FIELD "Requires.private")
else()
  set(EPMDUMP_PC_REQUIRES_FIELD "Requires")
endif()
# Relocatable: the prefix is found from where the .pc file is.
file(RELATIVE_PATH EPMDUMP_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" EPMDUMP_PC_TO_PREFIX "${EPMDUMP_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/epmdump.pc.in ${PROJECT_BINARY_DIR}/epmdump.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/epmdump.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT development)

# The command-line tool and what comes with it.
if(EPMDUMP_BUILD_APPS)
  install(TARGETS epmdump RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
endif()
set(epmdump_man ${PROJECT_BINARY_DIR}/epmdump.1)
configure_file(${PROJECT_SOURCE_DIR}/packaging/epmdump.1.in ${epmdump_man} @ONLY)
find_program(EPMDUMP_GZIP gzip)
if(UNIX AND EPMDUMP_GZIP)
  # Debian policy: man pages compressed, reproducibly (-n: no name or time stamp).
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/epmdump.1.gz
    COMMAND ${EPMDUMP_GZIP} -9 -n -c ${epmdump_man} > ${PROJECT_BINARY_DIR}/epmdump.1.gz
    DEPENDS ${epmdump_man} VERBATIM)
  add_custom_target(epmdump_man ALL DEPENDS ${PROJECT_BINARY_DIR}/epmdump.1.gz)
  install(FILES ${PROJECT_BINARY_DIR}/epmdump.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
else()
  install(FILES ${epmdump_man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
endif()
if(UNIX)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/bash-completion/epmdump
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT runtime)
endif()
# The project's own Samba capture, so a fresh install can show a replay.
install(FILES ${PROJECT_SOURCE_DIR}/pcaps/samba-ad-dc-rpcdump.pcap
  DESTINATION ${CMAKE_INSTALL_DATADIR}/epmdump COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE
  ${PROJECT_SOURCE_DIR}/lib/epmdump/output/SCHEMA.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime)

include(epmdump_cpack)
