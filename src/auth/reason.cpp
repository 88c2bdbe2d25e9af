// Fixed labels for why a token was refused: metrics and audit lines group by them, so the
// set is closed (a refusal never puts token contents or an error message into a label).
#include <warden/auth/error.hpp>
#include <warden/jose/dpop.hpp>
#include <warden/jose/error.hpp>

namespace warden::auth {

std::string_view reason_of(const boost::system::error_code& ec) noexcept {
    if (ec.category() == error_category()) {
        switch (static_cast<Error>(ec.value())) {
            case Error::missing_token:
                return "missing_token";
            case Error::malformed_header:
                return "malformed_header";
            case Error::untrusted_issuer:
                return "untrusted_issuer";
            case Error::invalid_token:
                return "invalid_token";
            case Error::token_inactive:
                return "inactive";
            case Error::insufficient_scope:
                return "insufficient_scope";
            case Error::unavailable:
            case Error::bad_document:
            case Error::bad_introspection_response:
            case Error::bad_configuration:
            case Error::stopped:
                return "unavailable";
        }
        return "other";
    }
    if (ec.category() == jose::error_category()) {
        switch (static_cast<jose::Error>(ec.value())) {
            case jose::Error::malformed:
            case jose::Error::token_too_large:
            case jose::Error::bad_header:
            case jose::Error::bad_payload:
            case jose::Error::crit_unsupported:
            case jose::Error::bad_claim_type:
            case jose::Error::missing_subject:
                return "malformed";
            case jose::Error::alg_not_allowed:
            case jose::Error::alg_key_mismatch:
                return "algorithm";
            case jose::Error::unknown_key:
                return "unknown_key";
            case jose::Error::bad_signature:
                return "invalid_signature";
            case jose::Error::expired:
                return "expired";
            case jose::Error::not_yet_valid:
            case jose::Error::issued_in_future:
                return "not_yet_valid";
            case jose::Error::issuer_mismatch:
                return "issuer";
            case jose::Error::audience_mismatch:
                return "audience";
            case jose::Error::typ_mismatch:
                return "typ";
            default:
                return "unavailable";  // key set and configuration problems
        }
    }
    if (ec.category() == jose::dpop_error_category())
        return static_cast<jose::DpopError>(ec.value()) == jose::DpopError::use_dpop_nonce
                   ? "dpop_nonce"
                   : "dpop";
    return "other";
}

}  // namespace warden::auth
