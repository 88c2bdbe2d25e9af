// Fuzzes the requestState opener, the one parser of MCP 2026-07-28 that takes server
// state back from a client. The first input byte picks the view:
//   'p': the rest is a payload plaintext, sealed here with the target's own key, so the
//        fuzzer reaches the payload decoder and the binding, time and replay checks;
//   anything else: the rest is the wire form as a client would present it.
// Invariants: never crash; whatever opens re-seals and opens to the same payload.
#include <warden/crypto.hpp>
#include <warden/state.hpp>

#include <warden/jose/base64url.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace st = warden::state;
using namespace std::chrono_literals;

const st::Clock::time_point kNow = st::Clock::time_point(1'800'000'000s);

const st::KeyRing& keys() {
    static const st::KeyRing ring = [] {
        st::Key k;
        k.id = "fz";
        k.secret.bytes.fill(0x42);
        std::vector<st::Key> v;
        v.push_back(k);
        return *st::KeyRing::create(std::move(v));
    }();
    return ring;
}

const st::Binding& binding() {
    static const st::Binding b =
        st::bind(nullptr, "tools/call", boost::json::parse(R"({"name":"fuzz"})").as_object());
    return b;
}

// The wire form of `plaintext` sealed as `Sealer::seal` would (format version 1, key "fz").
std::string wrap(std::string_view plaintext) {
    std::string header(
        "\x01\x02"
        "fz",
        4);
    std::string aad = "warden.request-state";
    aad += '\0';
    aad += header;
    return warden::jose::base64url_encode(
        header + warden::crypto::seal(keys().current().secret.view(), plaintext, aad));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string wire = data[0] == 'p' ? wrap(rest) : std::string(rest);

    st::Sealer sealer(keys(), st::make_memory_replay_cache(4));
    auto opened = sealer.open(wire, binding(), kNow);
    if (!opened) {
        if (opened.error().category() != st::error_category()) __builtin_trap();
        (void)st::rpc_error(opened.error());
        return 0;
    }
    // A replay of what just opened is refused.
    auto replay = sealer.open(wire, binding(), kNow);
    if (replay || replay.error() != st::Error::replayed) __builtin_trap();
    auto again = sealer.seal(opened->payload, binding(), kNow);
    if (!again) return 0;  // too large once re-encoded: refused, not crashed
    auto reopened = sealer.open(*again, binding(), kNow);
    if (!reopened || reopened->payload.answers != opened->payload.answers ||
        reopened->payload.pending != opened->payload.pending ||
        reopened->payload.data != opened->payload.data)
        __builtin_trap();
    return 0;
}
