# `cmake --install`: epmdump, the libraries, their headers, epmdump(1), bash completion and
# the CMake package (find_package(epmdump CONFIG) -> epmdump::codec, epmdump::dcerpc, ...).
# Two install components, which are also the two Debian packages (cmake/epmdump_cpack.cmake):
#   runtime      bin/epmdump, the man page, the completion, the demo capture, the docs
#   development  the static libraries, headers and CMake package
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(EPMDUMP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/epmdump
    CACHE STRING "Where the CMake package files go, relative to the prefix")

# The libraries that exist in this build, exported as epmdump::<part>.
set(epmdump_parts codec)
foreach(part capture client exchange output)
  if(TARGET epmdump_${part})
    list(APPEND epmdump_parts ${part})
  endif()
endforeach()

# Headers are found under lib/ in the build tree and under include/ once installed.
set_property(TARGET epmdump_codec PROPERTY INTERFACE_INCLUDE_DIRECTORIES
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/lib> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

# The codec is one library; its layers are also named on their own, so that a consumer
# says what it uses (epmdump::dcerpc, epmdump::epm, ...) and later splits cost it nothing.
set(epmdump_codec_layers core ndr dcerpc epm names)
foreach(layer ${epmdump_codec_layers})
  add_library(epmdump_layer_${layer} INTERFACE)
  target_link_libraries(epmdump_layer_${layer} INTERFACE epmdump_codec)
  set_target_properties(epmdump_layer_${layer} PROPERTIES EXPORT_NAME ${layer})
  add_library(epmdump::${layer} ALIAS epmdump_layer_${layer})
endforeach()

set(epmdump_export_targets epmdump_warnings)
foreach(part ${epmdump_parts})
  set_target_properties(epmdump_${part} PROPERTIES EXPORT_NAME ${part})
  list(APPEND epmdump_export_targets epmdump_${part})
endforeach()
foreach(layer ${epmdump_codec_layers})
  list(APPEND epmdump_export_targets epmdump_layer_${layer})
endforeach()
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

install(TARGETS ${epmdump_export_targets} EXPORT epmdump_targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
# `cmake --install --strip` and cpack: CMake strips executables but not static libraries;
# their debug sections are most of their size, so drop those (the symbols stay).
if(CMAKE_STRIP AND NOT BUILD_SHARED_LIBS)
  foreach(part ${epmdump_parts})
    install(CODE "if(CMAKE_INSTALL_DO_STRIP)
  execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
    \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:epmdump_${part}>\")
endif()" COMPONENT development)
  endforeach()
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/epmdump DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT development
  FILES_MATCHING PATTERN "*.hpp" PATTERN "*.inc")
install(EXPORT epmdump_targets NAMESPACE epmdump:: FILE epmdumpTargets.cmake
  DESTINATION ${EPMDUMP_INSTALL_CMAKEDIR} COMPONENT development)

# What the package config must find again for the exported link interfaces.
get_target_property(EPMDUMP_PCAP_BACKEND epmdump_capture EPMDUMP_PCAP_BACKEND)
set(EPMDUMP_NEEDS_NLOHMANN_JSON OFF)
if(TARGET epmdump_output OR TARGET epmdump_exchange)
  set(EPMDUMP_NEEDS_NLOHMANN_JSON ON)
endif()
string(REPLACE ";" " " EPMDUMP_EXPORTED_PARTS "${epmdump_parts};${epmdump_codec_layers}")
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/epmdumpConfig.cmake.in
  ${PROJECT_BINARY_DIR}/epmdumpConfig.cmake
  INSTALL_DESTINATION ${EPMDUMP_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/epmdumpConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/epmdumpConfig.cmake ${PROJECT_BINARY_DIR}/epmdumpConfigVersion.cmake
  DESTINATION ${EPMDUMP_INSTALL_CMAKEDIR} COMPONENT development)

# The command-line tool and what comes with it.
if(TARGET epmdump)
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
