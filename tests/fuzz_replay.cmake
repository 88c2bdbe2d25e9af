# Every fuzz target also builds with the ordinary compiler as `replay_<target>`, which runs
# its seed corpus and its regression inputs (tests/fuzz/regressions/<target>/: inputs that
# once crashed) as a ctest test. Sanitizers apply when the preset has them (asan).
function(warden_fuzz_replay name source)
    add_executable(replay_${name} ${PROJECT_SOURCE_DIR}/tests/fuzz/${source}
                   ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
    target_link_libraries(replay_${name} PRIVATE ${ARGN})
    target_include_directories(replay_${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
    target_compile_definitions(replay_${name} PRIVATE WARDEN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    set_target_properties(replay_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    add_test(NAME FuzzReplay.${name}
             COMMAND replay_${name} ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name}
                     ${PROJECT_SOURCE_DIR}/tests/fuzz/regressions/${name})
    set_tests_properties(FuzzReplay.${name} PROPERTIES LABELS "unit;fuzz-replay")
endfunction()

warden_fuzz_replay(fuzz_jose_verify jose_verify_fuzz.cpp warden_jose)
warden_fuzz_replay(fuzz_jose_jwks jose_jwks_fuzz.cpp warden_jose)
warden_fuzz_replay(fuzz_jose_dpop jose_dpop_fuzz.cpp warden_jose)
warden_fuzz_replay(fuzz_jsonrpc jsonrpc_fuzz.cpp warden_server)
warden_fuzz_replay(fuzz_uri_template uri_template_fuzz.cpp warden_server)
warden_fuzz_replay(fuzz_http_request http_request_fuzz.cpp warden_transport_http_core)
warden_fuzz_replay(fuzz_mcp_headers mcp_headers_fuzz.cpp warden_transport_http_core)
warden_fuzz_replay(fuzz_auth_parsers auth_parsers_fuzz.cpp warden_auth)
warden_fuzz_replay(fuzz_env_config env_config_fuzz.cpp warden_auth)
warden_fuzz_replay(fuzz_auth_header auth_header_fuzz.cpp warden_auth)
warden_fuzz_replay(fuzz_request_state request_state_fuzz.cpp warden_state warden_jose)
