#include <warden/crypto.hpp>
#include <warden/state/request_state.hpp>

#include <warden/jose/base64url.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace warden::state {
namespace {

namespace json = boost::json;

constexpr unsigned char kVersion = 1;
constexpr std::size_t kMaxKeyId = 32;
constexpr std::size_t kIdBytes = 16;  // 128-bit single-use id

// Associated data: a domain tag and the clear header (version, key id), so that neither
// can be changed without the tag failing.
std::string associated_data(std::string_view header) {
    std::string aad = "warden.request-state";
    aad += '\0';
    aad += header;
    return aad;
}

std::int64_t to_ms(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Clock::time_point from_ms(std::int64_t ms) {
    return Clock::time_point(
        std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(ms)));
}

std::string encode_b64(std::string_view bytes) {
    return jose::base64url_encode(bytes);
}

const json::string* string_at(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v ? v->if_string() : nullptr;
}

const std::int64_t* int_at(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v ? v->if_int64() : nullptr;
}

struct Decoded {
    Payload payload;
    std::string id;
    std::int64_t iat = 0;
    std::int64_t exp = 0;
    std::string principal_digest;
    std::string method;
    std::string params_digest;
};

// The payload is authenticated, so anything unexpected here means a bug or a leaked key:
// refuse it all the same.
result<Decoded> decode_payload(std::string_view plaintext) {
    boost::system::error_code ec;
    json::value v = json::parse(plaintext, ec);
    if (ec || !v.is_object()) return Error::malformed;
    const auto& o = v.get_object();
    const auto* version = int_at(o, "v");
    const auto* id = string_at(o, "id");
    const auto* iat = int_at(o, "iat");
    const auto* exp = int_at(o, "exp");
    const auto* prn = string_at(o, "prn");
    const auto* mth = string_at(o, "mth");
    const auto* prm = string_at(o, "prm");
    const auto* ans = o.if_contains("ans");
    const auto* pnd = o.if_contains("pnd");
    if (!version || *version != kVersion || !id || !iat || !exp || !prn || !mth || !prm || !ans ||
        !ans->is_object() || !pnd || !pnd->is_array())
        return Error::malformed;
    // Times must convert back to time points without overflow (system_clock counts
    // nanoseconds in 64 bits: about year 2262).
    const std::int64_t max_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::duration::max()).count();
    if (*iat < 0 || *exp < *iat || *exp > max_ms) return Error::malformed;
    auto principal_digest = jose::base64url_decode(*prn);
    auto params = jose::base64url_decode(*prm);
    if (!principal_digest || !params || id->empty()) return Error::malformed;
    Decoded d;
    d.id = std::string(*id);
    d.iat = *iat;
    d.exp = *exp;
    d.principal_digest = std::move(*principal_digest);
    d.method = std::string(*mth);
    d.params_digest = std::move(*params);
    d.payload.answers = ans->get_object();
    for (const auto& k : pnd->get_array()) {
        if (!k.is_string()) return Error::malformed;
        d.payload.pending.emplace_back(k.get_string());
    }
    if (const auto* data = o.if_contains("dat")) d.payload.data = *data;
    return d;
}

}  // namespace

Sealer::Sealer(KeyRing keys, std::shared_ptr<ReplayCache> replay, SealOptions options)
    : keys_(std::move(keys)), replay_(std::move(replay)), options_(options) {}

result<std::string> Sealer::seal(const Payload& payload, const Binding& binding,
                                 Clock::time_point now) const {
    const Key& key = keys_.current();
    json::object o;
    o["v"] = kVersion;
    o["id"] = encode_b64(crypto::random_bytes(kIdBytes));
    const std::int64_t iat = to_ms(now);
    o["iat"] = iat;
    o["exp"] = iat + std::chrono::duration_cast<std::chrono::milliseconds>(options_.ttl).count();
    // Digests, not the values: the binding only has to be compared, never shown.
    o["prn"] = encode_b64(crypto::sha256(binding.principal));
    o["mth"] = binding.method;
    o["prm"] = encode_b64(binding.params_digest);
    o["ans"] = payload.answers;
    json::array pending;
    for (const auto& k : payload.pending) pending.emplace_back(k);
    o["pnd"] = std::move(pending);
    if (!payload.data.is_null()) o["dat"] = payload.data;
    const std::string plaintext = json::serialize(o);

    // Cheap size check before encrypting: base64url makes 4 characters of every 3 bytes.
    const std::size_t raw_size = 2 + key.id.size() + plaintext.size() + crypto::kSealOverhead;
    if ((raw_size * 4 + 2) / 3 > options_.max_wire_size) return Error::too_large;

    std::string raw;
    raw += static_cast<char>(kVersion);
    raw += static_cast<char>(key.id.size());
    raw += key.id;
    raw += crypto::seal(key.secret.view(), plaintext, associated_data(raw));
    return encode_b64(raw);
}

result<Opened> Sealer::open(std::string_view wire, const Binding& binding,
                            Clock::time_point now) const {
    const std::size_t min_raw = 2 + 1 + crypto::kSealOverhead;
    if (wire.size() > options_.max_wire_size || wire.size() < (min_raw * 4) / 3)
        return Error::malformed;
    auto raw = jose::base64url_decode(wire);
    if (!raw) return Error::malformed;
    const std::string_view bytes = *raw;
    if (bytes.size() < min_raw || static_cast<unsigned char>(bytes[0]) != kVersion)
        return Error::malformed;
    const std::size_t id_len = static_cast<unsigned char>(bytes[1]);
    if (id_len == 0 || id_len > kMaxKeyId || bytes.size() < 2 + id_len + crypto::kSealOverhead)
        return Error::malformed;
    const std::string_view header = bytes.substr(0, 2 + id_len);
    const Key* key = keys_.find(header.substr(2));
    if (!key) return Error::unknown_key;
    auto plaintext =
        crypto::open(key->secret.view(), bytes.substr(header.size()), associated_data(header));
    if (!plaintext) return Error::authentication_failed;
    auto decoded = decode_payload(*plaintext);
    if (!decoded) return decoded.error();

    if (!crypto::equal(decoded->principal_digest, crypto::sha256(binding.principal)))
        return Error::principal_mismatch;
    if (decoded->method != binding.method) return Error::method_mismatch;
    if (!crypto::equal(decoded->params_digest, binding.params_digest))
        return Error::params_mismatch;
    const std::int64_t now_ms = to_ms(now);
    const std::int64_t skew_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.clock_skew).count();
    // Valid on [iat, exp): refused from the expiry on (and when issued later than any
    // replica's clock could explain).
    if (now_ms >= decoded->exp || decoded->iat > now_ms + skew_ms) return Error::expired;

    Opened opened;
    opened.issued_at = from_ms(decoded->iat);
    opened.expires_at = from_ms(decoded->exp);
    // Consumed last, so that a refused state never uses up a single-use id.
    auto fresh = replay_->consume(decoded->id, binding.principal, opened.expires_at, now);
    if (!fresh) return fresh.error();
    if (!*fresh) return Error::replayed;
    opened.id = std::move(decoded->id);
    opened.payload = std::move(decoded->payload);
    return opened;
}

}  // namespace warden::state
