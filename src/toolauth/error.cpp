#include <warden/toolauth/error.hpp>

#include <string>

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace warden::toolauth {
namespace {

class Category final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.toolauth"; }
    std::string message(int ev) const override {
        switch (static_cast<Error>(ev)) {
            case Error::unknown_provider:
                return "unknown OAuth provider";
            case Error::provider_not_configured:
                return "OAuth provider has no client id";
            case Error::invalid_state:
                return "unknown or already used authorization state";
            case Error::state_expired:
                return "authorization state expired";
            case Error::issuer_mismatch:
                return "authorization response issuer mismatch";
            case Error::authorization_denied:
                return "authorization denied by the provider";
            case Error::token_exchange_failed:
                return "token endpoint refused the authorization code";
            case Error::refresh_failed:
                return "token endpoint refused the refresh token";
            case Error::store_unavailable:
                return "token store unavailable";
            case Error::store_decrypt_failed:
                return "stored token failed to decrypt (wrong key or tampered record)";
            case Error::store_schema_too_new:
                return "token store schema is newer than this build";
            case Error::bad_key:
                return "token store key missing, malformed or unsafe";
            case Error::bad_store_url:
                return "store URL is neither sqlite:PATH nor postgresql://...";
            case Error::secret_missing:
                return "secret not configured";
            case Error::secret_reserved:
                return "secret name reserved for Warden";
            case Error::callback_unavailable:
                return "OAuth redirect endpoint unavailable";
            case Error::too_many_pending:
                return "too many pending authorizations";
            case Error::wrong_user:
                return "authorization completed by another user or browser";
        }
        return "unknown warden.toolauth error";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace warden::toolauth
