# Warnings are errors in our own code; third-party headers come from system paths.
function(warden_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
        -Wold-style-cast -Wcast-align -Woverloaded-virtual
        -Wnull-dereference -Wimplicit-fallthrough)
    if(WARDEN_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
