// The sealed requestState: round trip, tampering (every bit, every truncation), keys and
// rotation, binding, expiry around the TTL, single use.
#include <warden/state.hpp>

#include <warden/jose/base64url.hpp>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <set>

namespace {

namespace st = warden::state;
namespace json = boost::json;
using namespace std::chrono_literals;

const st::Clock::time_point kT0 = st::Clock::time_point(1'800'000'000s);

st::Key key_of(std::string id, unsigned char fill) {
    st::Key k;
    k.id = std::move(id);
    k.secret.bytes.fill(fill);
    return k;
}

st::KeyRing ring(std::vector<st::Key> keys) {
    auto r = st::KeyRing::create(std::move(keys));
    EXPECT_TRUE(r);
    return *r;
}

st::Sealer sealer(st::KeyRing keys, st::SealOptions options = {}) {
    return st::Sealer(std::move(keys), st::make_memory_replay_cache(1000), options);
}

json::object call_params(std::string_view text) {
    return json::parse(R"({"name":"greet","arguments":{"name":")" + std::string(text) + R"("}})")
        .as_object();
}

warden::Principal alice() {
    warden::Principal p;
    p.issuer = "https://as.example";
    p.user_id = "alice";
    return p;
}

st::Binding alice_binding() {
    const auto p = alice();
    return st::bind(&p, "tools/call", call_params("x"));
}

st::Payload sample_payload() {
    st::Payload p;
    p.answers["user_name"] = json::parse(R"({"action":"accept","content":{"name":"Alice"}})");
    p.pending = {"confirm", "greeting"};
    p.data = json::parse(R"({"flow":"pending-github","n":3})");
    return p;
}

// The raw bytes behind a wire form (the test's view of the "sealed blob").
std::string raw_of(const std::string& wire) {
    auto raw = warden::jose::base64url_decode(wire);
    EXPECT_TRUE(raw);
    return *raw;
}

TEST(RequestState, RoundTripsPayloadAndTimes) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto wire = s.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    auto opened = s.open(*wire, alice_binding(), kT0 + 5s);
    ASSERT_TRUE(opened) << opened.error().message();
    EXPECT_EQ(opened->payload.answers, sample_payload().answers);
    EXPECT_EQ(opened->payload.pending, sample_payload().pending);
    EXPECT_EQ(opened->payload.data, sample_payload().data);
    EXPECT_EQ(opened->issued_at, kT0);
    EXPECT_EQ(opened->expires_at, kT0 + 600s);
    EXPECT_GE(opened->id.size(), 22u);
}

TEST(RequestState, EmptyPayloadRoundTrips) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto wire = s.seal({}, alice_binding(), kT0);
    ASSERT_TRUE(wire);
    auto opened = s.open(*wire, alice_binding(), kT0);
    ASSERT_TRUE(opened);
    EXPECT_TRUE(opened->payload.answers.empty());
    EXPECT_TRUE(opened->payload.data.is_null());
}

TEST(RequestState, ClientCannotReadThePayload) {
    auto s = sealer(ring({key_of("k1", 1)}));
    st::Payload p;
    p.data = "downstream-secret-marker";
    auto wire = s.seal(p, alice_binding(), kT0);
    ASSERT_TRUE(wire);
    const std::string raw = raw_of(*wire);
    EXPECT_EQ(raw.find("downstream-secret-marker"), std::string::npos);
    EXPECT_EQ(raw.find("tools/call"), std::string::npos);
    EXPECT_EQ(wire->find("downstream"), std::string::npos);
}

TEST(RequestState, EachSealIsDifferent) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto a = s.seal(sample_payload(), alice_binding(), kT0);
    auto b = s.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
}

TEST(RequestState, RejectsFlippedBitAnywhere) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto wire = s.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    const std::string raw = raw_of(*wire);
    std::set<std::string> reasons;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            std::string bad = raw;
            bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
            auto opened = s.open(warden::jose::base64url_encode(bad), alice_binding(), kT0);
            ASSERT_FALSE(opened) << "byte " << i << " bit " << bit;
            reasons.insert(st::reason(opened.error()));
        }
    }
    // Only format, key id and tag failures: nothing reached the payload checks.
    for (const auto& r : reasons)
        EXPECT_TRUE(r == "malformed" || r == "unknown_key" || r == "authentication_failed") << r;
    EXPECT_TRUE(reasons.contains("authentication_failed"));
    // The untouched state still opens: refusals consumed nothing.
    EXPECT_TRUE(s.open(*wire, alice_binding(), kT0));
}

TEST(RequestState, RejectsEveryTruncation) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto wire = s.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    for (std::size_t n = 0; n < wire->size(); ++n)
        EXPECT_FALSE(s.open(wire->substr(0, n), alice_binding(), kT0)) << "wire length " << n;
    const std::string raw = raw_of(*wire);
    for (std::size_t n = 0; n < raw.size(); ++n)
        EXPECT_FALSE(s.open(warden::jose::base64url_encode(raw.substr(0, n)), alice_binding(), kT0))
            << "raw length " << n;
    EXPECT_TRUE(s.open(*wire, alice_binding(), kT0));
}

TEST(RequestState, RejectsAppendedBytesAndTheConformanceSuffix) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto wire = s.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    EXPECT_FALSE(s.open(*wire + "-TAMPERED", alice_binding(), kT0));
    EXPECT_FALSE(s.open(warden::jose::base64url_encode(raw_of(*wire) + "x"), alice_binding(), kT0));
}

TEST(RequestState, RejectsMalformedInput) {
    auto s = sealer(ring({key_of("k1", 1)}));
    for (std::string_view bad : {"", "a", "!!!!", "AAAA", "AQJrMQ", "not a state at all"})
        EXPECT_EQ(s.open(bad, alice_binding(), kT0).error(), st::Error::malformed) << bad;
    EXPECT_EQ(s.open(std::string(70'000, 'A'), alice_binding(), kT0).error(), st::Error::malformed);
}

TEST(RequestState, UnknownKeyIdIsRefused) {
    auto a = sealer(ring({key_of("k1", 1)}));
    auto b = sealer(ring({key_of("k2", 1)}));
    auto wire = a.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    EXPECT_EQ(b.open(*wire, alice_binding(), kT0).error(), st::Error::unknown_key);
}

TEST(RequestState, SameKeyIdWithAnotherKeyFailsAuthentication) {
    auto a = sealer(ring({key_of("k1", 1)}));
    auto b = sealer(ring({key_of("k1", 2)}));
    auto wire = a.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    EXPECT_EQ(b.open(*wire, alice_binding(), kT0).error(), st::Error::authentication_failed);
}

TEST(RequestState, RotatedKeyStillOpensAndNewKeySeals) {
    auto before = sealer(ring({key_of("old", 1)}));
    auto after = sealer(ring({key_of("new", 2), key_of("old", 1)}));
    auto old_wire = before.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(old_wire);
    EXPECT_TRUE(after.open(*old_wire, alice_binding(), kT0));
    auto new_wire = after.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(new_wire);
    EXPECT_EQ(raw_of(*new_wire).substr(1, 4), std::string("\x03new", 4));
    // A server that only knows the old key cannot open what the new key sealed.
    EXPECT_EQ(before.open(*new_wire, alice_binding(), kT0).error(), st::Error::unknown_key);
}

TEST(RequestState, BoundToPrincipal) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto wire = s.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    warden::Principal bob = alice();
    bob.user_id = "bob";
    warden::Principal other_issuer = alice();
    other_issuer.issuer = "https://other.example";
    const std::vector<const warden::Principal*> others = {&bob, &other_issuer, nullptr};
    for (const warden::Principal* p : others)
        EXPECT_EQ(s.open(*wire, st::bind(p, "tools/call", call_params("x")), kT0).error(),
                  st::Error::principal_mismatch);
    // Refusals consumed nothing: alice can still use it.
    EXPECT_TRUE(s.open(*wire, alice_binding(), kT0));
}

TEST(RequestState, AnonymousStateRefusedToAnAuthenticatedCaller) {
    auto s = sealer(ring({key_of("k1", 1)}));
    const auto anon = st::bind(nullptr, "tools/call", call_params("x"));
    auto wire = s.seal({}, anon, kT0);
    ASSERT_TRUE(wire);
    EXPECT_EQ(s.open(*wire, alice_binding(), kT0).error(), st::Error::principal_mismatch);
    EXPECT_TRUE(s.open(*wire, anon, kT0));
}

TEST(RequestState, BoundToMethod) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto wire = s.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    const auto p = alice();
    EXPECT_EQ(s.open(*wire, st::bind(&p, "prompts/get", call_params("x")), kT0).error(),
              st::Error::method_mismatch);
}

TEST(RequestState, BoundToParams) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto wire = s.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    const auto p = alice();
    EXPECT_EQ(s.open(*wire, st::bind(&p, "tools/call", call_params("y")), kT0).error(),
              st::Error::params_mismatch);
    auto other_tool = call_params("x");
    other_tool["name"] = "delete_everything";
    EXPECT_EQ(s.open(*wire, st::bind(&p, "tools/call", other_tool), kT0).error(),
              st::Error::params_mismatch);
}

TEST(ParamsDigest, IgnoresWhatChangesBetweenRounds) {
    auto base = call_params("x");
    auto retry = call_params("x");
    retry["inputResponses"] = json::parse(R"({"user_name":{"action":"accept"}})");
    retry["requestState"] = "opaque";
    retry["_meta"] = json::parse(R"({"progressToken":7})");
    EXPECT_EQ(st::params_digest(base), st::params_digest(retry));
}

TEST(ParamsDigest, CanonicalKeyOrderAndIntegralNumbers) {
    auto a = json::parse(R"({"name":"t","arguments":{"b":[1,{"y":2,"x":1}],"a":2.0,"c":-0.0}})")
                 .as_object();
    auto b =
        json::parse(R"({"arguments":{"c":0,"a":2,"b":[1,{"x":1,"y":2}]},"name":"t"})").as_object();
    EXPECT_EQ(st::params_digest(a), st::params_digest(b));
    EXPECT_EQ(st::params_digest(a).size(), 32u);
}

TEST(ParamsDigest, DistinguishesWhatMatters) {
    std::set<std::string> digests;
    for (const char* text :
         {R"({"name":"t"})", R"({"name":"u"})", R"({"name":"t","arguments":{}})",
          R"({"name":"t","arguments":{"a":1}})", R"({"name":"t","arguments":{"a":1.5}})",
          R"({"name":"t","arguments":{"a":"1"}})", R"({"name":"t","arguments":{"a":[1]}})",
          R"({"name":"t","arguments":{"a":null}})", R"({"name":"t","arguments":{"a":true}})",
          R"({"uri":"test://x"})", R"({"name":"t","task":{"ttl":5}})"})
        digests.insert(st::params_digest(json::parse(text).as_object()));
    EXPECT_EQ(digests.size(), 11u);
}

TEST(RequestState, ExpiresExactlyAtTheTtl) {
    st::SealOptions options;
    options.ttl = 120s;
    auto s = sealer(ring({key_of("k1", 1)}), options);
    auto seal = [&] {
        auto w = s.seal({}, alice_binding(), kT0);
        EXPECT_TRUE(w);
        return *w;
    };
    EXPECT_TRUE(s.open(seal(), alice_binding(), kT0 + 119s));
    EXPECT_EQ(s.open(seal(), alice_binding(), kT0 + 120s).error(), st::Error::expired);
    EXPECT_EQ(s.open(seal(), alice_binding(), kT0 + 121s).error(), st::Error::expired);
}

TEST(RequestState, IssueTimeInTheFutureBeyondSkewIsRefused) {
    st::SealOptions options;
    options.clock_skew = 30s;
    auto s = sealer(ring({key_of("k1", 1)}), options);
    auto seal = [&] { return *s.seal({}, alice_binding(), kT0); };
    EXPECT_TRUE(s.open(seal(), alice_binding(), kT0 - 29s));
    EXPECT_TRUE(s.open(seal(), alice_binding(), kT0 - 30s));
    EXPECT_EQ(s.open(seal(), alice_binding(), kT0 - 31s).error(), st::Error::expired);
}

TEST(RequestState, OpensOnlyOnce) {
    auto s = sealer(ring({key_of("k1", 1)}));
    auto wire = s.seal(sample_payload(), alice_binding(), kT0);
    ASSERT_TRUE(wire);
    EXPECT_TRUE(s.open(*wire, alice_binding(), kT0));
    EXPECT_EQ(s.open(*wire, alice_binding(), kT0 + 1s).error(), st::Error::replayed);
}

TEST(RequestState, ReplicasSharingKeysAndCacheRefuseReplays) {
    auto keys = ring({key_of("k1", 1)});
    auto cache = st::make_memory_replay_cache(100);
    st::Sealer a(keys, cache), b(keys, cache);
    auto wire = a.seal({}, alice_binding(), kT0);
    ASSERT_TRUE(wire);
    EXPECT_TRUE(b.open(*wire, alice_binding(), kT0));
    EXPECT_EQ(a.open(*wire, alice_binding(), kT0).error(), st::Error::replayed);
}

TEST(RequestState, FullReplayCacheRefusesWithoutConsuming) {
    st::Sealer s(ring({key_of("k1", 1)}), st::make_memory_replay_cache(1));
    auto first = s.seal({}, alice_binding(), kT0);
    auto second = s.seal({}, alice_binding(), kT0 + 300s);
    ASSERT_TRUE(first && second);
    EXPECT_TRUE(s.open(*first, alice_binding(), kT0 + 300s));
    EXPECT_EQ(s.open(*second, alice_binding(), kT0 + 301s).error(), st::Error::replay_cache_full);
    // Once the first has expired its id is forgotten, and the second (refused, so not
    // consumed) opens.
    EXPECT_TRUE(s.open(*second, alice_binding(), kT0 + 600s));
}

TEST(RequestState, TooLargeIsRefusedAtSeal) {
    st::SealOptions options;
    options.max_wire_size = 1024;
    auto s = sealer(ring({key_of("k1", 1)}), options);
    st::Payload p;
    p.data = std::string(800, 'x');
    EXPECT_EQ(s.seal(p, alice_binding(), kT0).error(), st::Error::too_large);
    p.data = std::string(100, 'x');
    EXPECT_TRUE(s.seal(p, alice_binding(), kT0));
}

TEST(StateError, MapsToJsonRpcErrors) {
    for (auto e : {st::Error::malformed, st::Error::unknown_key, st::Error::authentication_failed,
                   st::Error::expired, st::Error::replayed, st::Error::principal_mismatch,
                   st::Error::method_mismatch, st::Error::params_mismatch}) {
        auto o = st::rpc_error(e);
        EXPECT_EQ(o.at("code").as_int64(), -32602) << st::reason(e);
        EXPECT_EQ(o.at("data").at("reason").as_string(), st::reason(e));
        EXPECT_FALSE(o.at("message").as_string().empty());
    }
    for (auto e : {st::Error::replay_cache_full, st::Error::too_large, st::Error::bad_key})
        EXPECT_EQ(st::rpc_error(e).at("code").as_int64(), -32603) << st::reason(e);
    // Distinct codes, distinct reasons.
    std::set<std::string> reasons;
    for (int v = 1; v <= static_cast<int>(st::Error::bad_input_responses); ++v)
        reasons.insert(st::reason(static_cast<st::Error>(v)));
    EXPECT_EQ(reasons.size(), static_cast<std::size_t>(st::Error::bad_input_responses));
    EXPECT_EQ(st::error_category().name(), std::string("warden.state"));
}

}  // namespace

namespace {

TEST(CollectAnswers, TakesPendingKeysFromTheRetryAndKeepsRecordedOnes) {
    st::Opened opened;
    opened.payload.answers["first"] = json::parse(R"({"action":"accept","content":{"n":1}})");
    opened.payload.pending = {"second"};
    const json::value retry = json::parse(
        R"({"second":{"action":"accept"},"first":{"action":"decline"},"extra":{"x":1}})");
    auto answers = st::collect_answers(&opened, &retry);
    ASSERT_TRUE(answers);
    EXPECT_EQ(answers->size(), 2u);
    EXPECT_EQ(answers->at("first").at("action").as_string(), "accept");  // not replaced
    EXPECT_EQ(answers->at("second").at("action").as_string(), "accept");
    EXPECT_FALSE(answers->contains("extra"));
}

TEST(CollectAnswers, WithoutStateTakesEveryObjectAnswer) {
    const json::value retry = json::parse(R"({"user_name":{"action":"accept"},"other":{}})");
    auto answers = st::collect_answers(nullptr, &retry);
    ASSERT_TRUE(answers);
    EXPECT_EQ(answers->size(), 2u);
    EXPECT_TRUE(st::collect_answers(nullptr, nullptr)->empty());
}

TEST(CollectAnswers, RefusesMalformedInputResponses) {
    for (const char* bad : {"null", "[]", "7", R"({"user_name":12345})"}) {
        const json::value v = json::parse(bad);
        auto answers = st::collect_answers(nullptr, &v);
        ASSERT_FALSE(answers) << bad;
        EXPECT_EQ(answers.error(), st::Error::bad_input_responses);
        EXPECT_EQ(st::rpc_error(answers.error()).at("code").as_int64(), -32602);
    }
    // A malformed answer to a key nobody asked is ignored, like any extra key.
    st::Opened opened;
    opened.payload.pending = {"asked"};
    const json::value v = json::parse(R"({"asked":{"action":"accept"},"junk":5})");
    EXPECT_TRUE(st::collect_answers(&opened, &v));
}

}  // namespace
