#pragma once
// 256-bit secret keys that replicas share (token store, requestState): from an
// environment value or a key file created 0600 on first use.

#include <warden/crypto/error.hpp>

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace warden::crypto {

/// Looks up a configuration variable by name; nullopt when unset (the same type as
/// toolauth::EnvLookup).
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// A 256-bit key. Wiped on destruction.
struct SecretKey {
    std::array<unsigned char, 32> bytes{};

    SecretKey() = default;
    SecretKey(const SecretKey&) = default;
    SecretKey& operator=(const SecretKey&) = default;
    ~SecretKey();
    /// The key as 32 raw bytes (for `seal`/`open`).
    std::string_view view() const noexcept {
        return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
    }
};

/// Decodes a key written as 64 hex digits (either case) or unpadded base64url of exactly
/// 32 bytes. Errors: malformed_key. Never puts key bytes in an error.
result<SecretKey> decode_key(std::string_view text);

/// Reads the key file `path` (32 raw bytes). It must be a regular file, not a symbolic
/// link, with no group/other permission bits (unsafe_key_file otherwise). When it does
/// not exist and `create` is true, it is created with O_EXCL and mode 0600 (directories
/// included) from the CSPRNG. Errors: unsafe_key_file, key_file_unavailable.
result<SecretKey> load_key_file(const std::string& path, bool create);

/// Warden's data directory: `$XDG_DATA_HOME/warden`, else `$HOME/.local/share/warden`,
/// else ".".
std::string data_dir(const EnvLookup& env);

}  // namespace warden::crypto
