#include <warden/crypto/error.hpp>

#include <string>

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace warden::crypto {
namespace {

class Category final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.crypto"; }
    std::string message(int ev) const override {
        switch (static_cast<Error>(ev)) {
            case Error::decrypt_failed:
                return "decryption failed (wrong key, wrong context or tampered data)";
            case Error::malformed_key:
                return "key is not 64 hex digits or base64url of 32 bytes";
            case Error::unsafe_key_file:
                return "key file is readable by others or not a regular file";
            case Error::key_file_unavailable:
                return "key file missing, unreadable or not 32 bytes";
        }
        return "unknown warden.crypto error";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace warden::crypto
