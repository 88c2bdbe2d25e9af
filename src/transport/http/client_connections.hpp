#pragma once
// How many connections each client address holds, so that one client cannot take every
// connection the server allows (HttpOptions::max_connections_per_client).

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstddef>
#include <mutex>
#include <unordered_map>

namespace warden::transport::http {

/// Thread-safe; touched once when a connection opens and once when it closes, never per
/// request.
class ClientConnections {
  public:
    /// Counts a new connection from `client`; returns how many it now holds.
    std::size_t add(const boost::asio::ip::address& client);
    /// Forgets a connection counted by add().
    void remove(const boost::asio::ip::address& client);
    /// Connections `client` holds.
    std::size_t count(const boost::asio::ip::address& client) const;

  private:
    // IPv4 addresses as IPv4-mapped IPv6: a client is the same over either family.
    using Key = std::array<unsigned char, 16>;
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    static Key key_of(const boost::asio::ip::address& client);

    mutable std::mutex mutex_;
    std::unordered_map<Key, std::size_t, KeyHash> counts_;
};

}  // namespace warden::transport::http
