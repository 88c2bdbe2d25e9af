#pragma once
// The state behind a `Context`: one request being handled.

#include "server/exchange.hpp"

#include <warden/context.hpp>
#include <warden/principal.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace warden::server {
class Session;
}

namespace warden::detail {

struct CallState {
    std::shared_ptr<server::Session> session;
    std::shared_ptr<server::Exchange> exchange;
    boost::json::value request_id;
    std::optional<boost::json::value> progress_token;
    std::shared_ptr<const Principal> principal;
    std::string user_id;
    TransportKind transport = TransportKind::http;
    std::atomic<bool> cancelled{false};
    std::chrono::milliseconds request_timeout{0};
};

}  // namespace warden::detail
