# ctest tests that are not GoogleTest binaries (included at the end of tests/CMakeLists.txt).
#
#   demo_smoke          `vigie demo` (the README quick start's main job) exits 0    label smoke
#   cli_golden          `vigie rules check` prints every golden diagnostic exactly  label cli
#                       and exits 1 exactly when there are errors (tests/cli/)
#   cli_hunt_correlation `vigie hunt` prints correlation alerts as documented        label cli
#   docs_examples       the examples of docs/correlation.md give what the doc shows label cli
#   cli_decode          `vigie decode` and `vigie hunt` on raw collector formats    label cli
#   cli_fhir_bundle     `vigie decode` and `vigie hunt` on FHIR Bundles of           label cli
#                       AuditEvents (one event per AuditEvent, rejects, skips)
#   cli_hl7_framing     `vigie decode` and `vigie hunt` on HL7 v2 MLLP captures and label cli
#                       segment-per-line files: the same events as the ER7 sample
#   cli_json_framing    `vigie decode` and `vigie hunt` on pretty-printed JSON,     label cli
#                       evtx_dump -o json output, top-level arrays and a pretty-
#                       printed FHIR Bundle: the same events as the JSON-lines samples
#   cli_run             `vigie run`: --check, /metrics /healthz /readyz, SIGHUP with label cli;integration
#                       a broken rule file, SIGTERM drain, restart from the store
#   cli_stream_crash    `vigie run` SIGKILLed 20 times stores exactly the alerts of label cli;integration
#                       an uninterrupted run: 0 missing, 0 duplicated
#   schemas_validate    every decoded shared sample validates against schemas/      label cli
#   cli_demo_traffic    `vigie demo-traffic` writes a day of demo traffic that       label cli
#                       `vigie hunt` reads with no reject; rules/health fire on each
#                       story and no story correlation on --no-attacks traffic
#   script_syntax_*     `bash -n` on every shell script of scripts/ and .ci/run      label lint
#   script_shellcheck   shellcheck on the same scripts, only if shellcheck exists    label lint
#   fuzz_smoke          scripts/fuzz_smoke.sh --no-build on this build dir; only in  label fuzz
#                       VIGIE_FUZZ builds: `ctest --test-dir build/fuzz -L fuzz`

# vigie_cli_test(NAME SCRIPT LABELS TIMEOUT): tests/cli/SCRIPT.sh VIGIE_BINARY SOURCE_DIR.
function(vigie_cli_test name script labels timeout)
  add_test(NAME ${name}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/${script}.sh $<TARGET_FILE:vigie>
      ${PROJECT_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT ${timeout})
endfunction()

# The quick start runs the demo from the repository root; so does this test.
if(TARGET vigie)
  add_test(NAME demo_smoke COMMAND $<TARGET_FILE:vigie> demo WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(demo_smoke PROPERTIES LABELS "smoke" TIMEOUT 300)
  vigie_cli_test(cli_golden golden_test "cli" 120)
  vigie_cli_test(cli_hunt_correlation hunt_correlation_test "cli" 120)
  vigie_cli_test(docs_examples docs_examples_test "cli" 120)
  vigie_cli_test(cli_decode decode_test "cli" 120)
  if(TARGET vigie_plugin_ehr)
    vigie_cli_test(cli_fhir_bundle fhir_bundle_test "cli" 120)
  endif()
  vigie_cli_test(cli_hl7_framing hl7_framing_test "cli" 120)
  vigie_cli_test(cli_json_framing json_framing_test "cli" 120)
  # `vigie run` end to end on the mock cluster: SIGKILLed 20 times, it stores exactly the alerts of
  # an uninterrupted run (tests/cli/stream_crash_test.sh). Release stage only (label integration).
  vigie_cli_test(cli_stream_crash stream_crash_test "cli;integration" 900)
  vigie_cli_test(cli_run run_cli_test "cli;integration" 120)
  # cli_kafka: `vigie mock-broker` prints its bootstrap line and stops on SIGTERM; `vigie produce`
  # sends one message per record as hunt splits them (XML events, HL7 messages over lines).
  if(TARGET vigie_kafka)
    vigie_cli_test(cli_kafka kafka_cli_test "cli;integration" 60)
  endif()
  if(TARGET vigie_demo)
    vigie_cli_test(cli_demo_traffic demo_traffic_test "cli" 300)
  endif()
  # Debian's /usr/bin/python3 with python3-jsonschema (a python3 earlier on PATH may lack it).
  add_test(NAME schemas_validate
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/schemas/validate_decoded.py
      $<TARGET_FILE:vigie> ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/../shared)
  set_tests_properties(schemas_validate PROPERTIES LABELS "cli" TIMEOUT 120)
endif()

file(GLOB VIGIE_SHELL_SCRIPTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scripts/*.sh
  ${CMAKE_CURRENT_SOURCE_DIR}/cli/*.sh)
if(EXISTS ${PROJECT_SOURCE_DIR}/.ci/run)
  list(APPEND VIGIE_SHELL_SCRIPTS ${PROJECT_SOURCE_DIR}/.ci/run)
endif()
find_program(VIGIE_BASH bash)
if(VIGIE_BASH)
  foreach(script ${VIGIE_SHELL_SCRIPTS})
    file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${script})
    string(REGEX REPLACE "[^A-Za-z0-9_]" "_" test_name "script_syntax_${rel}")
    add_test(NAME ${test_name} COMMAND ${VIGIE_BASH} -n ${script})
    set_tests_properties(${test_name} PROPERTIES LABELS "lint" TIMEOUT 30)
  endforeach()
endif()
find_program(VIGIE_SHELLCHECK shellcheck)
if(VIGIE_SHELLCHECK AND VIGIE_SHELL_SCRIPTS)
  add_test(NAME script_shellcheck COMMAND ${VIGIE_SHELLCHECK} ${VIGIE_SHELL_SCRIPTS})
  set_tests_properties(script_shellcheck PROPERTIES LABELS "lint" TIMEOUT 60)
endif()

# Only meaningful where the fuzz targets exist; they are built by fuzz_smoke.sh (or by hand)
# before ctest runs, since ctest itself never builds.
if(VIGIE_FUZZ AND VIGIE_BASH)
  file(GLOB VIGIE_FUZZ_TARGET_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/*_fuzz.cpp)
  list(LENGTH VIGIE_FUZZ_TARGET_SOURCES fuzz_target_count)
  add_test(NAME fuzz_smoke
    COMMAND ${VIGIE_BASH} ${PROJECT_SOURCE_DIR}/scripts/fuzz_smoke.sh --no-build
      --build-dir ${CMAKE_BINARY_DIR})
  # Per target: at most VIGIE_FUZZ_SECONDS (20 by default) + the script's 130 s hang guard.
  math(EXPR fuzz_timeout "60 + 600 * ${fuzz_target_count}")
  set_tests_properties(fuzz_smoke PROPERTIES LABELS "fuzz" TIMEOUT ${fuzz_timeout})
endif()

# schema_vpn: every event `vigie decode --family vpn` prints from the shared samples and the vpn
# fuzz seeds validates against schemas/vpn.schema.json (Debian's /usr/bin/python3 with
# python3-jsonschema, Draft 2020-12). Label cli.
if(TARGET vigie AND TARGET vigie_plugin_vpn)
  add_test(NAME schema_vpn
    COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/plugins/vpn/tests/validate_schema.py
      $<TARGET_FILE:vigie> ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/../shared)
  set_tests_properties(schema_vpn PROPERTIES LABELS "cli" TIMEOUT 120)
endif()
