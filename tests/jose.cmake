# Registrations owned by the jose module: vector paths for unit_jose and the CLI tests.
if(TARGET unit_jose)
    target_compile_definitions(unit_jose PRIVATE WARDEN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()

# CLI tests: `warden jwt` against the vectors, with Node from the pinned npm package.
set(WARDEN_NODE ${PROJECT_SOURCE_DIR}/node_modules/.bin/node)
if(TARGET warden_cli AND EXISTS ${WARDEN_NODE})
    add_test(NAME Cli.JwtVerifyVectors
             COMMAND ${WARDEN_NODE} ${PROJECT_SOURCE_DIR}/tests/vectors/jose/cli_test.mjs
                     $<TARGET_FILE:warden_cli>)
    set_tests_properties(Cli.JwtVerifyVectors PROPERTIES LABELS "cli;unit" TIMEOUT 120)
endif()
