# One place for compiler flags every target of ours shares.
add_library(epmdump_warnings INTERFACE)
target_compile_options(epmdump_warnings INTERFACE -Wall -Wextra -Wpedantic
  $<$<BOOL:${EPMDUMP_WERROR}>:-Werror>)
# In a unity build each .cpp is #included, so GCC takes its anonymous-namespace types for a header's
# and warns when a coroutine frame holds one: the file-by-file build keeps the warning.
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(epmdump_warnings INTERFACE -Wno-subobject-linkage)
endif()
if(EPMDUMP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
