#pragma once
// Internal to toolauth: a token store that records each operation's latency.

#include <warden/toolauth/token_store.hpp>

#include <memory>

namespace warden::toolauth {

/// `store`, with the latency of every operation in the store_duration histogram.
std::shared_ptr<TokenStore> timed_token_store(std::shared_ptr<TokenStore> store);

}  // namespace warden::toolauth
