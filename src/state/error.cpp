#include <warden/state/error.hpp>

#include <string>

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace warden::state {
namespace {

class Category final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.state"; }
    std::string message(int ev) const override {
        switch (static_cast<Error>(ev)) {
            case Error::malformed:
                return "requestState is malformed";
            case Error::unknown_key:
                return "requestState was sealed with a key this server does not hold";
            case Error::authentication_failed:
                return "requestState failed its integrity check";
            case Error::expired:
                return "requestState has expired";
            case Error::replayed:
                return "requestState was already used";
            case Error::principal_mismatch:
                return "requestState belongs to another principal";
            case Error::method_mismatch:
                return "requestState belongs to another method";
            case Error::params_mismatch:
                return "requestState belongs to a request with other parameters";
            case Error::replay_cache_full:
                return "too many requests in progress to accept another requestState";
            case Error::too_large:
                return "requestState would exceed its size limit";
            case Error::bad_key:
                return "requestState key missing, malformed or unsafe";
            case Error::bad_input_responses:
                return "inputResponses must be an object of result objects";
            case Error::store_unavailable:
                return "the requestState store is unavailable; try again shortly";
        }
        return "unknown warden.state error";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

const char* reason(boost::system::error_code ec) noexcept {
    if (ec.category() != error_category()) return "unknown";
    switch (static_cast<Error>(ec.value())) {
        case Error::malformed:
            return "malformed";
        case Error::unknown_key:
            return "unknown_key";
        case Error::authentication_failed:
            return "authentication_failed";
        case Error::expired:
            return "expired";
        case Error::replayed:
            return "replayed";
        case Error::principal_mismatch:
            return "principal_mismatch";
        case Error::method_mismatch:
            return "method_mismatch";
        case Error::params_mismatch:
            return "params_mismatch";
        case Error::replay_cache_full:
            return "replay_cache_full";
        case Error::too_large:
            return "too_large";
        case Error::bad_key:
            return "bad_key";
        case Error::bad_input_responses:
            return "bad_input_responses";
        case Error::store_unavailable:
            return "store_unavailable";
    }
    return "unknown";
}

boost::json::object rpc_error(boost::system::error_code ec) {
    // JSON-RPC 2.0 section 5.1: -32602 invalid method parameters, -32603 internal error.
    const bool server_side = ec == Error::replay_cache_full || ec == Error::too_large ||
                             ec == Error::bad_key || ec == Error::store_unavailable ||
                             ec.category() != error_category();
    boost::json::object error;
    error["code"] = server_side ? -32603 : -32602;
    std::string message = ec.category() == error_category() ? ec.message() : "internal error";
    // Every refusal of the client's state ends the same way: the request can be sent
    // again from the start (without requestState and inputResponses).
    if (!server_side && ec != Error::bad_input_responses)
        message += "; send the request again without requestState";
    error["message"] = message;
    error["data"] = boost::json::object{{"reason", reason(ec)}};
    return error;
}

}  // namespace warden::state
