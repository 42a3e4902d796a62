# chc_target_defaults(target): the warnings every target builds with, and the
# sanitizers when CHC_SANITIZE is on.
function(chc_target_defaults target)
  target_compile_definitions(${target} PRIVATE _GNU_SOURCE)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wformat=2
                         $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes -Wmissing-prototypes>)
  if(CHC_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
                           -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(CHC_BUILD_FUZZ)
    # Coverage for libFuzzer in the code under test, not only in the target.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()

# chc_add_test(name SOURCES ... [LIBRARIES ...] [FIXTURES ...] [LABELS ...]):
# one cmocka program run by CTest.
function(chc_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES;FIXTURES;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  chc_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} PkgConfig::CMOCKA)
  target_compile_definitions(${name} PRIVATE CHC_BUILD_DIR="${CMAKE_BINARY_DIR}" CHC_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300
                       ENVIRONMENT "CHC_BUILD_DIR=${CMAKE_BINARY_DIR};CHC_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  if(ARG_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()
