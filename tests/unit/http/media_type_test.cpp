// Accept and Content-Type checks of the MCP endpoint (RFC 9110 §8.3, §12.5.1).
#include "transport/http/media_type.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace {

using warden::transport::http::accepts;
using warden::transport::http::content_type_is;

TEST(MediaTypeAccepts, ListedExactly) {
    EXPECT_TRUE(accepts("application/json, text/event-stream", "application/json"));
    EXPECT_TRUE(accepts("application/json, text/event-stream", "text/event-stream"));
    EXPECT_TRUE(accepts("application/json,text/event-stream", "text/event-stream"));
}

TEST(MediaTypeAccepts, CaseInsensitive) {
    EXPECT_TRUE(accepts("Application/JSON", "application/json"));
    EXPECT_TRUE(accepts("TEXT/Event-Stream", "text/event-stream"));
}

TEST(MediaTypeAccepts, CaseOnlyDifferenceReadsNothingPastTheHeader) {
    // Header values in buffers of exactly their size: AddressSanitizer reports a read past
    // them (Boost 1.81's beast::iequals made one after a difference in case).
    const auto exact = [](std::string_view s) {
        auto p = std::make_unique<char[]>(s.size());
        std::memcpy(p.get(), s.data(), s.size());
        return p;
    };
    const std::string_view accept = "Application/JSON";
    const auto a = exact(accept);
    EXPECT_TRUE(accepts(std::string_view(a.get(), accept.size()), "application/json"));
    const std::string_view type = "APPLICATION/JSON";
    const auto t = exact(type);
    EXPECT_TRUE(content_type_is(std::string_view(t.get(), type.size()), "application/json"));
}

TEST(MediaTypeAccepts, NotListed) {
    EXPECT_FALSE(accepts("application/json", "text/event-stream"));
    EXPECT_FALSE(accepts("text/html", "application/json"));
    EXPECT_FALSE(accepts("", "application/json"));
    EXPECT_FALSE(accepts("application/jsonx", "application/json"));
    EXPECT_FALSE(accepts("application/*x", "application/json"));
}

TEST(MediaTypeAccepts, Wildcards) {
    EXPECT_TRUE(accepts("*/*", "application/json"));
    EXPECT_TRUE(accepts("application/*", "application/json"));
    EXPECT_FALSE(accepts("application/*", "text/event-stream"));
    EXPECT_TRUE(accepts("text/*;q=0.5", "text/event-stream"));
}

TEST(MediaTypeAccepts, ParametersAndWhitespace) {
    EXPECT_TRUE(accepts("  application/json ; charset=utf-8 ;q=0.9 ", "application/json"));
    EXPECT_TRUE(accepts("text/html;level=1, text/event-stream;q=1", "text/event-stream"));
}

TEST(MediaTypeAccepts, ZeroQualityRefuses) {
    EXPECT_FALSE(accepts("application/json;q=0", "application/json"));
    EXPECT_FALSE(accepts("application/json; q=0.0", "application/json"));
    EXPECT_FALSE(accepts("application/json;Q=0.000", "application/json"));
    EXPECT_FALSE(accepts("*/*;q=0", "application/json"));
    EXPECT_TRUE(accepts("application/json;q=0.001", "application/json"));
    EXPECT_TRUE(accepts("application/json;q=1", "application/json"));
}

// RFC 9110 §12.5.1: the most specific range that matches decides the quality, so an
// explicit q=0 is not overridden by a wildcard, whatever their order.
TEST(MediaTypeAccepts, MostSpecificRangeDecides) {
    EXPECT_FALSE(accepts("text/event-stream;q=0, */*", "text/event-stream"));
    EXPECT_FALSE(accepts("*/*, text/event-stream;q=0", "text/event-stream"));
    EXPECT_FALSE(accepts("text/*, text/event-stream;q=0", "text/event-stream"));
    EXPECT_FALSE(accepts("text/*;q=0, */*", "text/event-stream"));
    EXPECT_TRUE(accepts("text/*;q=0, text/event-stream", "text/event-stream"));
    EXPECT_TRUE(accepts("*/*;q=0, application/json", "application/json"));
    EXPECT_TRUE(accepts("*/*;q=0, application/*", "application/json"));
}

TEST(MediaTypeContentType, Matches) {
    EXPECT_TRUE(content_type_is("application/json", "application/json"));
    EXPECT_TRUE(content_type_is("application/json; charset=utf-8", "application/json"));
    EXPECT_TRUE(content_type_is("Application/Json;charset=UTF-8", "application/json"));
    EXPECT_TRUE(content_type_is(" application/json ", "application/json"));
}

TEST(MediaTypeContentType, Mismatches) {
    EXPECT_FALSE(content_type_is("", "application/json"));
    EXPECT_FALSE(content_type_is("text/plain", "application/json"));
    EXPECT_FALSE(content_type_is("application/json-seq", "application/json"));
    EXPECT_FALSE(content_type_is("application/*", "application/json"));
    EXPECT_FALSE(content_type_is("application/jsonp; charset=utf-8", "application/json"));
}

}  // namespace
