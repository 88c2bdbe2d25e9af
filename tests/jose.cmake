# Registrations owned by the jose module: vector paths for unit_jose and the CLI tests.
if(TARGET unit_jose)
    target_compile_definitions(unit_jose PRIVATE WARDEN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()
