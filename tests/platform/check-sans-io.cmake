# cmake -DEPMDUMP_LIB_DIR=lib/epmdump -P check-sans-io.cmake
# Fails, naming file and line, if a sans-I/O folder includes Boost.Asio or standalone Asio, or
# reaches the client library (which does). Every folder listed must exist: a rename is caught.
# When lib/epmdump/session/ exists, add it here.
set(epmdump_sans_io_folders core ndr dcerpc epm names capture output exchange)
set(epmdump_found "")
foreach(folder ${epmdump_sans_io_folders})
  if(NOT IS_DIRECTORY ${EPMDUMP_LIB_DIR}/${folder})
    message(FATAL_ERROR "sans-I/O folder ${EPMDUMP_LIB_DIR}/${folder} does not exist (renamed? update this list)")
  endif()
  file(GLOB_RECURSE files ${EPMDUMP_LIB_DIR}/${folder}/*.hpp ${EPMDUMP_LIB_DIR}/${folder}/*.cpp
    ${EPMDUMP_LIB_DIR}/${folder}/*.inc ${EPMDUMP_LIB_DIR}/${folder}/*.ipp)
  if(NOT files)
    message(FATAL_ERROR "sans-I/O folder ${EPMDUMP_LIB_DIR}/${folder} holds no sources")
  endif()
  foreach(file ${files})
    file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](boost/asio|asio[./>]|asio\")|epmdump/client/")
    foreach(line ${lines})
      string(APPEND epmdump_found "\n  ${file}: ${line}")
    endforeach()
  endforeach()
endforeach()
if(epmdump_found)
  message(FATAL_ERROR "sans-I/O code includes Asio or the client:${epmdump_found}")
endif()
list(LENGTH epmdump_sans_io_folders n)
message(STATUS "${n} sans-I/O folders checked: no Asio, no client")
