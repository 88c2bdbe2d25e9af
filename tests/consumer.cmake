# Installs the just-built Warden into a scratch prefix and builds tests/consumer against it.
add_test(NAME Consumer.FindPackageBuildsAndRuns
         COMMAND ${CMAKE_COMMAND}
                 -DBUILD_DIR=${CMAKE_BINARY_DIR}
                 -DSOURCE_DIR=${PROJECT_SOURCE_DIR}/tests/consumer
                 -DWORK_DIR=${CMAKE_BINARY_DIR}/consumer-test
                 -P ${PROJECT_SOURCE_DIR}/tests/consumer/run.cmake)
set_tests_properties(Consumer.FindPackageBuildsAndRuns PROPERTIES LABELS "install" TIMEOUT 600)
