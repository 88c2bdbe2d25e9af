#pragma once
// Errors of the shared crypto module: category "warden.crypto".

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace warden::crypto {

/// Why a crypto operation failed. Values start at 1.
enum class Error {
    /// AES-GCM authentication failed: wrong key, wrong associated data, tampered or
    /// truncated ciphertext.
    decrypt_failed = 1,
    /// A key is not 64 hex digits or base64url of exactly 32 bytes.
    malformed_key,
    /// A key file is not a regular file owned-readable only (mode 0600 or stricter), or is
    /// a symbolic link: refused rather than used.
    unsafe_key_file,
    /// A key file is missing (and was not to be created), unreadable, or not 32 bytes.
    key_file_unavailable,
};

/// The "warden.crypto" category.
const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace warden::crypto

template <>
struct boost::system::is_error_code_enum<warden::crypto::Error> : std::true_type {};
