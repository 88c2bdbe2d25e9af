#include "warden/jose/error.hpp"

#include <string>

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot tell.
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace warden::jose {
namespace {

class ErrorCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.jose"; }

    std::string message(int ev) const override {
        switch (static_cast<Error>(ev)) {
            case Error::malformed:
                return "token is not a JWS compact serialization";
            case Error::token_too_large:
                return "token is too large";
            case Error::bad_base64:
                return "token segment is not valid base64url";
            case Error::bad_header:
                return "JOSE header is malformed";
            case Error::bad_payload:
                return "token payload is not a JSON object";
            case Error::crit_unsupported:
                return "critical header parameters are not supported";
            case Error::alg_not_allowed:
                return "signature algorithm is not allowed";
            case Error::alg_key_mismatch:
                return "key does not fit the signature algorithm";
            case Error::unknown_key:
                return "no matching key in the key set";
            case Error::bad_signature:
                return "signature verification failed";
            case Error::expired:
                return "token is expired";
            case Error::not_yet_valid:
                return "token is not yet valid";
            case Error::issued_in_future:
                return "token is issued in the future";
            case Error::issuer_mismatch:
                return "token issuer is not accepted";
            case Error::audience_mismatch:
                return "token audience is not accepted";
            case Error::missing_subject:
                return "token has no subject";
            case Error::typ_mismatch:
                return "token type is not accepted";
            case Error::bad_claim_type:
                return "a registered claim has the wrong type";
            case Error::no_algorithms_configured:
                return "no signature algorithm is allowed";
            case Error::no_audience_configured:
                return "no expected audience is configured";
            case Error::no_issuer_configured:
                return "no expected issuer is configured";
            case Error::bad_jwks:
                return "JWKS document is malformed";
            case Error::bad_jwk:
                return "JWK is malformed";
            case Error::unsupported_key:
                return "JWK type, curve or algorithm is unsupported";
            case Error::weak_key:
                return "JWK is too weak";
            case Error::key_not_for_verify:
                return "JWK is not usable for signature verification";
        }
        return "unknown warden.jose error";
    }

    boost::system::error_condition default_error_condition(int ev) const noexcept override {
        return make_error_condition(condition_of(static_cast<Error>(ev)));
    }
};

class ConditionCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.jose.condition"; }

    std::string message(int ev) const override {
        switch (static_cast<Condition>(ev)) {
            case Condition::invalid_request:
                return "invalid request";
            case Condition::invalid_token:
                return "invalid token";
            case Condition::invalid_configuration:
                return "invalid verifier configuration";
        }
        return "unknown warden.jose condition";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const ErrorCategory category;
    return category;
}

const boost::system::error_category& condition_category() noexcept {
    static const ConditionCategory category;
    return category;
}

boost::system::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

boost::system::error_condition make_error_condition(Condition c) noexcept {
    return {static_cast<int>(c), condition_category()};
}

Condition condition_of(Error e) noexcept {
    switch (e) {
        case Error::token_too_large:
            return Condition::invalid_request;
        case Error::no_algorithms_configured:
        case Error::no_audience_configured:
        case Error::no_issuer_configured:
        case Error::bad_jwks:
        case Error::bad_jwk:
        case Error::unsupported_key:
        case Error::weak_key:
        case Error::key_not_for_verify:
            return Condition::invalid_configuration;
        case Error::malformed:
        case Error::bad_base64:
        case Error::bad_header:
        case Error::bad_payload:
        case Error::crit_unsupported:
        case Error::alg_not_allowed:
        case Error::alg_key_mismatch:
        case Error::unknown_key:
        case Error::bad_signature:
        case Error::expired:
        case Error::not_yet_valid:
        case Error::issued_in_future:
        case Error::issuer_mismatch:
        case Error::audience_mismatch:
        case Error::missing_subject:
        case Error::typ_mismatch:
        case Error::bad_claim_type:
            return Condition::invalid_token;
    }
    return Condition::invalid_token;
}

}  // namespace warden::jose
