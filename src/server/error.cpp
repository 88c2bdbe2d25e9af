#include <warden/error.hpp>

#include <string>

namespace warden {

namespace {

class ClientRequestCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.client_request"; }
    std::string message(int ev) const override {
        switch (static_cast<ClientRequestError>(ev)) {
            case ClientRequestError::capability_missing:
                return "the client did not declare the capability this request needs";
            case ClientRequestError::timeout:
                return "the client did not answer in time";
            case ClientRequestError::cancelled:
                return "the call was cancelled while waiting for the client";
            case ClientRequestError::rejected:
                return "the client answered with an error";
            case ClientRequestError::session_closed:
                return "the session closed before the client answered";
            case ClientRequestError::not_deliverable:
                return "there is no server-to-client channel for this request (stateless HTTP "
                       "has none; MCP 2026-07-28 asks through results, not requests)";
            case ClientRequestError::would_block:
                return "a non_blocking tool cannot wait for the client";
            case ClientRequestError::too_many_waiting:
                return "too many calls are already waiting for this client's answers";
            case ClientRequestError::input_required:
                return "the client's answer is needed first: the request ends with an "
                       "InputRequiredResult and runs again with the answer";
        }
        return "unknown client request error";
    }
};

}  // namespace

const boost::system::error_category& client_request_category() noexcept {
    static const ClientRequestCategory category;
    return category;
}

}  // namespace warden
