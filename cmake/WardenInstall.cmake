# Installs the library, its headers and a CMake package so that another project can
# `find_package(Warden)` and link `Warden::warden`.
include(CMakePackageConfigHelpers)

install(TARGETS warden ${WARDEN_MODULE_TARGETS}
        EXPORT WardenTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/warden DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT WardenTargets NAMESPACE Warden::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Warden)
configure_package_config_file(cmake/WardenConfig.cmake.in
        ${CMAKE_BINARY_DIR}/WardenConfig.cmake
        INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Warden)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/WardenConfigVersion.cmake
        COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/WardenConfig.cmake ${CMAKE_BINARY_DIR}/WardenConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Warden)
