#include "transport/http/client_connections.hpp"

#include <cstring>

namespace warden::transport::http {

std::size_t ClientConnections::KeyHash::operator()(const Key& k) const noexcept {
    // FNV-1a: addresses are not chosen to collide with each other in a way that matters
    // here (a collision merges two clients' counts, it does not lose a connection).
    std::size_t h = 14695981039346656037ull;
    for (unsigned char b : k) h = (h ^ b) * 1099511628211ull;
    return h;
}

ClientConnections::Key ClientConnections::key_of(const boost::asio::ip::address& client) {
    const auto v6 = client.is_v4() ? boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped,
                                                                      client.to_v4())
                                   : client.to_v6();
    const auto bytes = v6.to_bytes();
    Key key;
    std::memcpy(key.data(), bytes.data(), key.size());
    return key;
}

std::size_t ClientConnections::add(const boost::asio::ip::address& client) {
    const auto key = key_of(client);
    std::lock_guard lock(mutex_);
    return ++counts_[key];
}

void ClientConnections::remove(const boost::asio::ip::address& client) {
    const auto key = key_of(client);
    std::lock_guard lock(mutex_);
    auto it = counts_.find(key);
    if (it == counts_.end()) return;
    if (--it->second == 0) counts_.erase(it);
}

std::size_t ClientConnections::count(const boost::asio::ip::address& client) const {
    const auto key = key_of(client);
    std::lock_guard lock(mutex_);
    auto it = counts_.find(key);
    return it == counts_.end() ? 0 : it->second;
}

}  // namespace warden::transport::http
