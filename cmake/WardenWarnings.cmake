# Warnings are errors in our own code; third-party headers come from system paths.
function(warden_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
        -Wold-style-cast -Wcast-align -Woverloaded-virtual
        -Wimplicit-fallthrough)
    # GCC 12 reports a false mismatched-new-delete for every Asio awaitable frame
    # (GCC bug 109224); the frames use Asio's own allocator consistently.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
    endif()
    if(WARDEN_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
