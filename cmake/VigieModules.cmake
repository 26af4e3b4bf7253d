# vigie_add_module(NAME SOURCES ... DEPS ...): one module = one static library vigie::NAME,
# headers and sources side by side under src/NAME (or plugins/NAME).
function(vigie_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(vigie_${name} STATIC ${ARG_SOURCES})
  add_library(vigie::${name} ALIAS vigie_${name})
  target_include_directories(vigie_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(vigie_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  vigie_target_defaults(vigie_${name})
endfunction()

# vigie_add_test(NAME SOURCES ... DEPS ... [LABELS ...]): a GoogleTest binary registered in ctest.
function(vigie_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    VIGIE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    VIGIE_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  vigie_target_defaults(${name})
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "unit;${ARG_LABELS}")
endfunction()

# vigie_add_fuzzer(NAME SOURCES ... DEPS ...): a libFuzzer target, built only with VIGIE_FUZZ.
function(vigie_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT VIGIE_FUZZ)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()
