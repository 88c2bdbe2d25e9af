#pragma once
// Internal: a JWT NumericDate (seconds since the epoch, a JSON number) as a time_point,
// clamped so that absurd values (1e300, -1e300) cannot overflow the clock's nanoseconds.

#include <algorithm>
#include <chrono>

namespace warden::auth {

inline std::chrono::system_clock::time_point from_numeric_date(double seconds) {
    // About +-290 years around 1970: the range of system_clock's int64 nanoseconds.
    constexpr double kLimit = 9.0e9;
    const double clamped = std::clamp(seconds, -kLimit, kLimit);
    return std::chrono::system_clock::time_point(
        std::chrono::seconds(static_cast<long long>(clamped)));
}

}  // namespace warden::auth
