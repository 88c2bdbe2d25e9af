#include "observability/trace_context.hpp"

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

}  // namespace
}  // namespace warden::observability
