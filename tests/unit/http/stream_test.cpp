// One server-to-client message stream: JSON or SSE, priming, numbering, bounds, resumption.
#include "transport/http/stream.hpp"

#include "server/call_state.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <atomic>

namespace {

namespace json = boost::json;
using warden::transport::http::parse_event_id;
using warden::transport::http::Stream;
using warden::transport::http::StreamSettings;

json::object notification(int n) {
    return json::object{{"jsonrpc", "2.0"},
                        {"method", "notifications/progress"},
                        {"params", json::object{{"progress", n}}}};
}

json::value response() {
    return json::value{{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object{}}};
}

StreamSettings settings(bool priming = true, std::size_t max_events = 256) {
    StreamSettings s;
    s.priming = priming;
    s.max_events = max_events;
    return s;
}

TEST(HttpStream, ResponseFirstIsJson) {
    Stream s("abc", settings(), false);
    s.complete(response());
    auto p = s.take(0);
    EXPECT_EQ(p.mode, Stream::Mode::json);
    ASSERT_TRUE(p.json_reply);
    EXPECT_EQ(json::parse(*p.json_reply), response());
    EXPECT_TRUE(p.finished);
    EXPECT_FALSE(p.no_reply);
    EXPECT_TRUE(s.finished());
}

TEST(HttpStream, NullResponseMeansNoReply) {
    Stream s("abc", settings(), false);
    s.complete(nullptr);
    auto p = s.take(0);
    EXPECT_EQ(p.mode, Stream::Mode::json);
    EXPECT_TRUE(p.no_reply);
    EXPECT_FALSE(p.json_reply);
}

TEST(HttpStream, UndecidedUntilSomethingHappens) {
    Stream s("abc", settings(), false);
    auto p = s.take(0);
    EXPECT_EQ(p.mode, Stream::Mode::undecided);
    EXPECT_TRUE(p.events.empty());
    EXPECT_FALSE(p.finished);
}

TEST(HttpStream, NotificationFirstSwitchesToSseWithPriming) {
    Stream s("abc", settings(), false);
    s.send(notification(1));
    s.send(notification(2));
    s.complete(response());
    auto p = s.take(0);
    EXPECT_EQ(p.mode, Stream::Mode::sse);
    ASSERT_EQ(p.events.size(), 4u);
    EXPECT_EQ(p.events[0].seq, 0u);
    EXPECT_TRUE(p.events[0].data.empty()) << "the priming event has empty data";
    EXPECT_EQ(json::parse(p.events[1].data), json::value(notification(1)));
    EXPECT_EQ(json::parse(p.events[2].data), json::value(notification(2)));
    EXPECT_EQ(json::parse(p.events[3].data), response());
    EXPECT_EQ(p.events[3].seq, 3u);
    EXPECT_TRUE(p.finished);
}

TEST(HttpStream, NoPrimingForOlderClients) {
    Stream s("abc", settings(false), false);
    s.send(notification(1));
    auto p = s.take(0);
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_EQ(p.events[0].seq, 0u);
    EXPECT_FALSE(p.events[0].data.empty());
}

TEST(HttpStream, TakeFromSequenceNumber) {
    Stream s("abc", settings(), false);
    s.send(notification(1));
    s.send(notification(2));
    auto p = s.take(2);
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_EQ(p.events[0].seq, 2u);
    EXPECT_TRUE(s.take(3).events.empty());
}

TEST(HttpStream, NothingAfterFinish) {
    Stream s("abc", settings(), false);
    s.send(notification(1));
    s.complete(response());
    s.send(notification(2));
    s.complete(response());
    EXPECT_EQ(s.take(0).events.size(), 3u);
}

TEST(HttpStream, JsonOnlyDropsNotifications) {
    StreamSettings st = settings();
    st.json_only = true;
    Stream s("abc", st, false);
    EXPECT_FALSE(s.can_request());
    s.send(notification(1));
    s.complete(response());
    auto p = s.take(0);
    EXPECT_EQ(p.mode, Stream::Mode::json);
    ASSERT_TRUE(p.json_reply);
}

TEST(HttpStream, JsonOnlyKeepsStandaloneNotifications) {
    StreamSettings st = settings();
    st.json_only = true;
    Stream s("abc", st, true);
    s.send(notification(1));
    auto p = s.take(0);
    EXPECT_EQ(p.mode, Stream::Mode::sse);
    ASSERT_EQ(p.events.size(), 2u);
    EXPECT_EQ(json::parse(p.events[1].data), json::value(notification(1)));
}

TEST(HttpStream, CanRequestFollowsSettings) {
    EXPECT_TRUE(Stream("a", settings(), false).can_request());
    StreamSettings st = settings();
    st.can_request = false;
    EXPECT_FALSE(Stream("a", st, false).can_request());
}

TEST(HttpStream, EventsAreBounded) {
    Stream s("abc", settings(true, 3), false);
    for (int i = 0; i < 10; ++i) s.send(notification(i));
    auto p = s.take(0);
    ASSERT_EQ(p.events.size(), 3u);
    EXPECT_EQ(p.events.front().seq, 8u);
    EXPECT_EQ(p.events.back().seq, 10u);
}

TEST(HttpStream, CloseStreamOnUndecidedGivesAnIdToResumeFrom) {
    // Even without priming the client needs an event id to resume with.
    Stream s("abc", settings(false), false);
    s.close_stream();
    auto p = s.take(0);
    EXPECT_EQ(p.mode, Stream::Mode::sse);
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_TRUE(p.events[0].data.empty());
    EXPECT_TRUE(p.close_requested);
    EXPECT_FALSE(p.finished);
}

TEST(HttpStream, CloseIsReportedOncePerRequest) {
    Stream s("abc", settings(), false);
    s.send(notification(1));
    s.close_stream();
    EXPECT_TRUE(s.take(0).close_requested);
    EXPECT_FALSE(s.take(0).close_requested);
    s.complete(response());
    auto p = s.take(2);
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_TRUE(p.finished);
}

TEST(HttpStream, CloseAfterFinishIsIgnored) {
    Stream s("abc", settings(), false);
    s.complete(response());
    s.close_stream();
    EXPECT_EQ(s.take(0).mode, Stream::Mode::json);
}

TEST(HttpStream, StandaloneStartsAsSseWithPriming) {
    Stream s("abc", settings(), true);
    EXPECT_TRUE(s.standalone());
    auto p = s.take(0);
    EXPECT_EQ(p.mode, Stream::Mode::sse);
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_TRUE(p.events[0].data.empty());
}

TEST(HttpStream, BeginFreshDeliveryStartsAfterWhatWasSent) {
    Stream s("abc", settings(), true);
    // First reader: the initial priming event is unsent, no new one is needed.
    EXPECT_EQ(s.begin_fresh_delivery(), 0u);
    EXPECT_EQ(s.take(0).events.size(), 1u);
    s.send(notification(1));
    s.mark_sent(2);
    s.send(notification(2));  // seq 2: never given to a reader
    // Second reader: gets the unsent event plus a fresh priming event, not the old ones.
    auto from = s.begin_fresh_delivery();
    EXPECT_EQ(from, 2u);
    auto p = s.take(from);
    ASSERT_EQ(p.events.size(), 2u);
    EXPECT_EQ(json::parse(p.events[0].data), json::value(notification(2)));
    EXPECT_TRUE(p.events[1].data.empty());
}

TEST(HttpStream, BeginFreshDeliveryReusesAnUnsentPrimingEvent) {
    Stream s("abc", settings(), true);
    s.mark_sent(1);
    EXPECT_EQ(s.begin_fresh_delivery(), 1u);
    EXPECT_EQ(s.begin_fresh_delivery(), 1u);
    EXPECT_EQ(s.take(1).events.size(), 1u) << "one priming event, not two";
}

TEST(HttpStream, OneWriterAtATime) {
    Stream s("abc", settings(), false);
    std::atomic<int> wakes{0};
    EXPECT_FALSE(s.attached());
    auto token = s.attach([&] { ++wakes; });
    EXPECT_NE(token, 0u);
    EXPECT_TRUE(s.attached());
    EXPECT_FALSE(s.superseded(token));
    EXPECT_EQ(s.attach([] {}), 0u);
    s.send(notification(1));
    s.complete(response());
    s.interrupt();
    EXPECT_EQ(wakes.load(), 3);
    s.detach(token);
    EXPECT_FALSE(s.attached());
    EXPECT_NE(s.attach([] {}), 0u);
}

TEST(HttpStream, TakeOverWakesAndSupersedesTheOldWriter) {
    Stream s("abc", settings(), false);
    std::atomic<int> old_wakes{0};
    std::atomic<int> new_wakes{0};
    auto old_token = s.attach([&] { ++old_wakes; });
    auto new_token = s.attach([&] { ++new_wakes; }, true);
    EXPECT_NE(new_token, 0u);
    EXPECT_NE(new_token, old_token);
    EXPECT_EQ(old_wakes.load(), 1) << "the old writer is told to look";
    EXPECT_TRUE(s.superseded(old_token));
    EXPECT_FALSE(s.superseded(new_token));
    // The old writer leaving must not detach the new one.
    s.detach(old_token);
    EXPECT_TRUE(s.attached());
    s.send(notification(1));
    EXPECT_EQ(new_wakes.load(), 1);
    EXPECT_EQ(old_wakes.load(), 1);
    s.detach(new_token);
    EXPECT_FALSE(s.attached());
}

TEST(HttpStream, TakeOverWithoutAWriterIsAPlainAttach) {
    Stream s("abc", settings(), false);
    auto token = s.attach([] {}, true);
    EXPECT_NE(token, 0u);
    EXPECT_FALSE(s.superseded(token));
}

TEST(HttpStream, EventIdRoundTrips) {
    Stream s("0123abcd", settings(), false);
    EXPECT_EQ(s.event_id(7), "0123abcd_7");
    auto parsed = parse_event_id(s.event_id(7));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->first, "0123abcd");
    EXPECT_EQ(parsed->second, 7u);
}

TEST(HttpStream, ParseEventIdUsesTheLastSeparator) {
    auto parsed = parse_event_id("a_b_12");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->first, "a_b");
    EXPECT_EQ(parsed->second, 12u);
}

TEST(HttpStream, ParseEventIdRejectsMalformed) {
    for (const char* bad : {"", "abc", "_1", "abc_", "abc_x", "abc_1x", "abc_-1", "abc_ 1",
                            "abc_+1", "abc_99999999999999999999999"})
        EXPECT_FALSE(parse_event_id(bad)) << bad;
}

}  // namespace

namespace {

StreamSettings modern_settings() {
    StreamSettings s;
    s.priming = false;
    s.modern = true;
    return s;
}

json::value error_response(int code) {
    return json::value{
        {"jsonrpc", "2.0"}, {"id", 1}, {"error", json::object{{"code", code}, {"message", "m"}}}};
}

TEST(ModernStream, JsonErrorsCarryTheirHttpStatus) {
    for (auto [code, status] :
         {std::pair{-32601, 404u}, std::pair{-32020, 400u}, std::pair{-32021, 400u},
          std::pair{-32022, 400u}, std::pair{-32602, 200u}}) {
        Stream stream("", modern_settings(), false);
        stream.complete(error_response(code));
        auto pending = stream.take(0);
        EXPECT_EQ(pending.json_status, status) << code;
    }
    Stream legacy("", settings(false), false);
    legacy.complete(error_response(-32601));
    EXPECT_EQ(legacy.take(0).json_status, 200u);
}

TEST(ModernStream, LosingTheReaderCancelsTheCall) {
    auto call = std::make_shared<warden::detail::CallState>();
    Stream stream("", modern_settings(), false);
    stream.bind_call(call);
    stream.abandon();
    EXPECT_TRUE(call->cancelled.load());

    auto answered = std::make_shared<warden::detail::CallState>();
    Stream done("", modern_settings(), false);
    done.bind_call(answered);
    done.complete(response());
    done.abandon();  // the answer went out: nothing to cancel
    EXPECT_FALSE(answered->cancelled.load());

    auto legacy_call = std::make_shared<warden::detail::CallState>();
    Stream legacy("s", settings(), false);
    legacy.bind_call(legacy_call);
    legacy.abandon();  // legacy streams are resumable: losing a reader is no cancellation
    EXPECT_FALSE(legacy_call->cancelled.load());
}

}  // namespace
