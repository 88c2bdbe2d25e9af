#include "warden/jose/dpop.hpp"

#include <string>

// See error.cpp: categories are never deleted through a base pointer.
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace warden::jose {
namespace {

class DpopCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.jose.dpop"; }

    std::string message(int ev) const override {
        switch (static_cast<DpopError>(ev)) {
            case DpopError::missing_proof:
                return "a DPoP proof is required";
            case DpopError::multiple_proofs:
                return "more than one DPoP proof";
            case DpopError::proof_too_large:
                return "DPoP proof is too large";
            case DpopError::malformed:
                return "DPoP proof is not a JWS compact serialization";
            case DpopError::bad_typ:
                return "DPoP proof typ is not dpop+jwt";
            case DpopError::alg_not_allowed:
                return "DPoP proof algorithm is not allowed";
            case DpopError::bad_jwk:
                return "DPoP proof jwk is not a usable public key for its algorithm";
            case DpopError::private_key:
                return "DPoP proof jwk contains a private key";
            case DpopError::bad_signature:
                return "DPoP proof signature verification failed";
            case DpopError::missing_claim:
                return "DPoP proof lacks jti, htm, htu or iat";
            case DpopError::htm_mismatch:
                return "DPoP proof htm does not match the request method";
            case DpopError::htu_mismatch:
                return "DPoP proof htu does not match the request URI";
            case DpopError::stale:
                return "DPoP proof is too old";
            case DpopError::issued_in_future:
                return "DPoP proof is issued in the future";
            case DpopError::ath_mismatch:
                return "DPoP proof ath does not match the access token";
            case DpopError::key_mismatch:
                return "DPoP proof key is not the key the access token is bound to";
            case DpopError::replayed:
                return "DPoP proof was already used";
            case DpopError::use_dpop_nonce:
                return "a fresh DPoP nonce is required";
            case DpopError::replay_cache_full:
                return "DPoP proof is too old to be checked for replay under load; send a fresh "
                       "one";
            case DpopError::bound_token_as_bearer:
                return "a DPoP-bound token must be presented with the DPoP scheme";
            case DpopError::token_not_bound:
                return "the DPoP scheme needs a DPoP-bound token";
            case DpopError::dpop_required:
                return "this server requires DPoP-bound tokens";
            case DpopError::dpop_not_accepted:
                return "DPoP is not accepted for tokens of this issuer";
            case DpopError::replay_store_unavailable:
                return "the DPoP replay store is unavailable; try again shortly";
        }
        return "unknown DPoP error";
    }
};

}  // namespace

const boost::system::error_category& dpop_error_category() noexcept {
    static const DpopCategory category;
    return category;
}

boost::system::error_code make_error_code(DpopError e) noexcept {
    return {static_cast<int>(e), dpop_error_category()};
}

}  // namespace warden::jose
