// Connections counted per client address: IPv4 and its mapped IPv6 form are one client.
#include "transport/http/client_connections.hpp"

#include <gtest/gtest.h>

namespace {

using boost::asio::ip::make_address;
using warden::transport::http::ClientConnections;

TEST(ClientConnections, CountsPerAddress) {
    ClientConnections counts;
    const auto a = make_address("127.0.0.1");
    const auto b = make_address("10.0.0.2");
    EXPECT_EQ(counts.add(a), 1u);
    EXPECT_EQ(counts.add(a), 2u);
    EXPECT_EQ(counts.add(b), 1u);
    EXPECT_EQ(counts.add(make_address("::ffff:127.0.0.1")), 3u) << "the same client over IPv6";
    counts.remove(a);
    EXPECT_EQ(counts.count(a), 2u);
    counts.remove(a);
    counts.remove(a);
    EXPECT_EQ(counts.count(a), 0u);
    counts.remove(a);  // more removes than adds change nothing
    EXPECT_EQ(counts.count(a), 0u);
    EXPECT_EQ(counts.count(b), 1u);
}

}  // namespace
