#include "observability/trace_context.hpp"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace warden::observability {
namespace {

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceParent, ParsesVersion00) {
    auto t = parse_traceparent(kValid);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(t->parent_id, "00f067aa0ba902b7");
    EXPECT_EQ(t->flags, "01");
    EXPECT_EQ(t->traceparent(), kValid);
}

TEST(TraceParent, RefusesMalformedValues) {
    const char* bad[] = {
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",     // short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // v00 with extra
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // forbidden version
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // uppercase
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero parent id
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // separator
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",    // not hex
    };
    for (const char* v : bad) EXPECT_FALSE(parse_traceparent(v)) << v;
}

TEST(TraceParent, HigherVersionsMayCarryMoreFields) {
    EXPECT_TRUE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
    EXPECT_FALSE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"));
}

TEST(TraceState, KeepsValidListsAndDropsTheRest) {
    EXPECT_EQ(sanitize_tracestate("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"),
              "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    EXPECT_EQ(sanitize_tracestate("no-equals"), "");
    EXPECT_EQ(sanitize_tracestate(std::string(513, 'a') + "="), "");
    EXPECT_EQ(sanitize_tracestate("a=b\r\nX-Injected: 1"), "");
}

TEST(TraceParent, NewTracesAreValidAndDistinct) {
    auto a = new_trace();
    auto b = new_trace();
    EXPECT_NE(a.trace_id, b.trace_id);
    auto parsed = parse_traceparent(a.traceparent());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->trace_id, a.trace_id);
}

TEST(TraceParent, ContinuesAValidParentElseStartsANewTrace) {
    auto continued = continue_or_start("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                       "rojo=00f067aa0ba902b7");
    EXPECT_EQ(continued.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(continued.flags, "01");
    EXPECT_EQ(continued.tracestate, "rojo=00f067aa0ba902b7");
    auto started = continue_or_start("garbage", "rojo=1");
    EXPECT_TRUE(parse_traceparent(started.traceparent()));
    EXPECT_NE(started.trace_id, continued.trace_id);
    EXPECT_EQ(started.tracestate, "");  // a state without its parent means nothing
}

TEST(TraceParent, ManyNewTracesNeverRepeatAcrossThreads) {
    std::vector<std::set<std::string>> seen(4);
    std::vector<std::thread> threads;
    for (auto& ids : seen)
        threads.emplace_back([&ids] {
            for (int i = 0; i < 10000; ++i) ids.insert(new_trace().trace_id);
        });
    for (auto& t : threads) t.join();
    std::set<std::string> all;
    for (auto& ids : seen) all.insert(ids.begin(), ids.end());
    EXPECT_EQ(all.size(), 40000u);
}

TEST(TraceScope, SetsTheThreadsTraceIdAndRestoresTheOuterOne) {
    EXPECT_EQ(current_trace_id(), "");
    const std::string outer = "4bf92f3577b34da6a3ce929d0e0e4736";
    const std::string inner = "0af7651916cd43dd8448eb211c80319c";
    {
        TraceScope a(outer);
        EXPECT_EQ(current_trace_id(), outer);
        {
            TraceScope b(inner);
            EXPECT_EQ(current_trace_id(), inner);
            std::string other_thread = "unset";
            std::thread([&] { other_thread = std::string(current_trace_id()); }).join();
            EXPECT_EQ(other_thread, "");
        }
        EXPECT_EQ(current_trace_id(), outer);
    }
    EXPECT_EQ(current_trace_id(), "");
}

}  // namespace
}  // namespace warden::observability
