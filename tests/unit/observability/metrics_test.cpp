#include "observability/metrics.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

namespace warden::observability {
namespace {

// The value of the sample line `series` (name with its labels, as exposed), or -1.
double sample(const std::string& text, const std::string& series) {
    auto pos = text.find("\n" + series + " ");
    if (pos == std::string::npos) return -1;
    return std::stod(text.substr(pos + series.size() + 2));
}

TEST(Metrics, CountsAddUpAcrossThreads) {
    Metrics m;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i)
                m.count(Series::requests, {"tools/call", "2026-07-28", "ok"});
        });
    for (auto& th : threads) th.join();
    m.count(Series::auth_decisions, {"deny", "expired"}, 3);
    const auto text = m.exposition();
    EXPECT_EQ(
        sample(text, R"(warden_requests_total{method="tools/call",era="2026-07-28",outcome="ok"})"),
        4000);
    EXPECT_EQ(sample(text, R"(warden_auth_decisions_total{result="deny",reason="expired"})"), 3);
}

TEST(Metrics, HistogramsAreCumulativeWithInf) {
    Metrics m;
    m.observe(Series::request_duration, {"tools/call", "echo"}, std::chrono::microseconds(50));
    m.observe(Series::request_duration, {"tools/call", "echo"}, std::chrono::milliseconds(3));
    m.observe(Series::request_duration, {"tools/call", "echo"}, std::chrono::seconds(60));
    const auto text = m.exposition();
    const std::string base =
        R"(warden_request_duration_seconds_bucket{method="tools/call",tool="echo",le=")";
    EXPECT_EQ(sample(text, base + R"(0.0001"})"), 1);
    EXPECT_EQ(sample(text, base + R"(0.005"})"), 2);
    EXPECT_EQ(sample(text, base + R"(10"})"), 2);
    EXPECT_EQ(sample(text, base + R"(+Inf"})"), 3);
    EXPECT_EQ(
        sample(text, R"(warden_request_duration_seconds_count{method="tools/call",tool="echo"})"),
        3);
}

TEST(Metrics, EmptyLabelsAreLeftOut) {
    Metrics m;
    m.observe(Series::request_duration, {"tools/list", ""}, std::chrono::microseconds(10));
    EXPECT_GE(
        sample(m.exposition(), R"(warden_request_duration_seconds_count{method="tools/list"})"), 1);
}

TEST(Metrics, UnknownMethodsShareOneLabel) {
    EXPECT_EQ(Metrics::method_label("tools/call"), "tools/call");
    EXPECT_EQ(Metrics::method_label("x/" + std::string(100, 'a')), "other");
}

TEST(Metrics, LevelsAndSampledGauges) {
    Metrics m;
    m.add(Level::sessions, 3);
    m.add(Level::sessions, -1);
    m.add_gauge("warden_jwks_key_set_age_seconds", "Age of each issuer's key set.", "issuer", [] {
        return std::vector<std::pair<std::string, double>>{{"https://as", 42}};
    });
    const auto text = m.exposition();
    EXPECT_EQ(sample(text, "warden_sessions"), 2);
    EXPECT_EQ(sample(text, R"(warden_jwks_key_set_age_seconds{issuer="https://as"})"), 42);
}

TEST(Metrics, TwoInstancesInOneThreadStayApart) {
    auto a = std::make_unique<Metrics>();
    a->count(Series::token_cache, {"hit"});
    a.reset();
    Metrics b;
    b.count(Series::token_cache, {"miss"});
    const auto text = b.exposition();
    EXPECT_EQ(sample(text, R"(warden_token_cache_lookups_total{result="miss"})"), 1);
    EXPECT_EQ(sample(text, R"(warden_token_cache_lookups_total{result="hit"})"), -1);
}

}  // namespace
}  // namespace warden::observability

namespace warden::observability {
namespace {

// promtool (Debian's prometheus package, installed by scripts/setup.sh) is the reference
// linter of the exposition format.
TEST(Metrics, ExpositionPassesPromtool) {
    if (std::system("command -v promtool >/dev/null 2>&1") != 0) GTEST_SKIP() << "no promtool";
    Metrics m;
    m.count(Series::requests, {"tools/call", "legacy", "error"});
    m.observe(Series::request_duration, {"tools/call", "echo"}, std::chrono::microseconds(80));
    m.observe(Series::store_duration, {"token_get"}, std::chrono::microseconds(300));
    m.count(Series::jwks_fetches, {"ok"});
    m.add_gauge("warden_jwks_key_set_age_seconds", "Age of each issuer's key set.", "issuer", [] {
        return std::vector<std::pair<std::string, double>>{{"https://as\"x", 1}};
    });
    const std::string path = ::testing::TempDir() + "warden-metrics.txt";
    {
        std::FILE* f = std::fopen(path.c_str(), "w");
        ASSERT_NE(f, nullptr);
        const auto text = m.exposition();
        std::fwrite(text.data(), 1, text.size(), f);
        std::fclose(f);
    }
    const std::string cmd = "promtool check metrics < " + path + " 2>&1";
    std::FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    EXPECT_EQ(::pclose(p), 0) << out;
    EXPECT_EQ(out, "") << out;  // promtool prints lint problems (e.g. missing _total)
}

}  // namespace
}  // namespace warden::observability
