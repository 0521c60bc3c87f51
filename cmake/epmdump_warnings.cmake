# One place for compiler flags every target of ours shares.
add_library(epmdump_warnings INTERFACE)
target_compile_options(epmdump_warnings INTERFACE -Wall -Wextra -Wpedantic
  $<$<BOOL:${EPMDUMP_WERROR}>:-Werror>)
if(EPMDUMP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
