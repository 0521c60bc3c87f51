# Windows builds of the tests: POSIX stand-ins (fmemopen, popen, <sys/wait.h>) for the test
# programs only, force-included through the test main library every test links.
if(WIN32 AND TARGET epmdump_test_main)
  set(dir ${CMAKE_CURRENT_LIST_DIR})
  target_sources(epmdump_test_main PRIVATE ${dir}/posix_shim.cpp)
  target_include_directories(epmdump_test_main PUBLIC ${dir}/include)
  if(MSVC)
    target_compile_options(epmdump_test_main PUBLIC "/FI${dir}/posix_shim.hpp")
  else()
    target_compile_options(epmdump_test_main PUBLIC "SHELL:-include ${dir}/posix_shim.hpp")
  endif()
endif()
