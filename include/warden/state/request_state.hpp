#pragma once
// The sealed `requestState` of MCP 2026-07-28 multi round-trip requests
// (basic/patterns/mrtr): what a retry needs to resume a request, encrypted and
// authenticated with AES-256-GCM so that the client can neither read nor change it, bound
// to the principal, the method and the request's parameters, short-lived and single-use.
// docs/security.md describes the threat model; docs/input-required-and-tasks.md how the
// core uses it.
//
// Wire form (base64url, no padding) of:
//   version (1 byte, 1) | key id length (1 byte, 1..32) | key id (ASCII) |
//   nonce (12) | ciphertext | tag (16)
// with the version and key id as associated data. The key id is in clear so that a
// server holding several keys (rotation) knows which one to try.

#include <warden/crypto/key.hpp>
#include <warden/principal.hpp>
#include <warden/state/error.hpp>
#include <warden/state/replay_cache.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace warden::state {

/// One AES-256 key and its id (1..32 characters of [A-Za-z0-9._-]).
struct Key {
    std::string id{};
    crypto::SecretKey secret{};
};

/// The keys of a server: the first seals new states, every one opens (so a retired key
/// keeps opening the states it sealed until they expire). Immutable; cheap to copy.
class KeyRing {
  public:
    /// Errors: bad_key (no key, an invalid or duplicate id).
    static result<KeyRing> create(std::vector<Key> keys);
    /// The key that seals.
    const Key& current() const noexcept { return keys_->front(); }
    /// The key with this id, nullptr when none.
    const Key* find(std::string_view id) const noexcept;
    std::size_t size() const noexcept { return keys_->size(); }

  private:
    explicit KeyRing(std::shared_ptr<const std::vector<Key>> keys) : keys_(std::move(keys)) {}
    std::shared_ptr<const std::vector<Key>> keys_;
};

/// The id given to a key configured without one: "k" and 8 base64url characters of a
/// SHA-256 of the key (domain-separated), the same on every replica holding the key.
std::string derive_key_id(const crypto::SecretKey& key);

/// The server's state keys:
/// - `WARDEN_STATE_KEY`: one key (64 hex digits or base64url of 32 bytes, its id derived),
///   or a comma-separated list of `id:key` entries, the first sealing and the others
///   only opening (rotation: put the new key first, drop the old one after the TTL);
/// - else the key file `WARDEN_STATE_KEY_FILE`, default `<data dir>/state.key` (32 raw
///   bytes, mode 0600, created from the CSPRNG when absent and `create` is true).
/// Errors: bad_key. Never logs or returns key bytes.
result<KeyRing> load_key_ring(const crypto::EnvLookup& env, bool create);

/// What a state is bound to. A retry must present the same three.
struct Binding {
    std::string principal{};      ///< `principal_id(...)`
    std::string method{};         ///< the JSON-RPC method, e.g. "tools/call"
    std::string params_digest{};  ///< `params_digest(params)`
};

/// "iss" NUL "sub" for an authenticated caller, "anonymous" without one (stdio, HTTP
/// without server-level auth).
std::string principal_id(const Principal* principal);

/// SHA-256 (32 raw bytes) of the request's parameters in a canonical form, leaving out
/// what legitimately changes between rounds: `inputResponses`, `requestState` and `_meta`
/// (protocol version, capabilities, progress token). Everything else -- the tool or
/// prompt name, its arguments, a resource URI -- must stay the same. Canonical: object
/// keys sorted by their UTF-8 bytes at every depth, no whitespace, integral numbers
/// written as integers (1.0 and 1 are the same), other numbers as Boost.JSON writes them.
std::string params_digest(const boost::json::object& params);

/// The binding of a request: `principal_id`, `method`, `params_digest`.
Binding bind(const Principal* principal, std::string_view method,
             const boost::json::object& params);

/// What a retry needs to resume, designed for "re-run the handler with the recorded
/// answers": on a retry the core runs the handler again from the start, and each
/// `ctx.elicit`/`sample`/`roots` finds its answer under its key in `answers` (merged with
/// the retry's `inputResponses`) instead of asking again. Nothing here is readable by the
/// client.
struct Payload {
    /// Answers of earlier rounds that the handler used, by input-request key.
    boost::json::object answers{};
    /// Keys of the input requests this round asked for (so a retry knows which answers it
    /// is owed and ignores others).
    std::vector<std::string> pending{};
    /// Server-private data the handler or the framework keeps between rounds (e.g. a
    /// pending downstream authorization); null when none.
    boost::json::value data{};
};

/// A state that passed every check (and has been consumed).
struct Opened {
    Payload payload{};
    std::string id{};  ///< its single-use id (base64url)
    Clock::time_point issued_at{};
    Clock::time_point expires_at{};
};

/// The answers a run of the handler may use: the opened state's recorded `answers`, plus
/// the retry's `inputResponses` (`input_responses`: the params member, null when absent)
/// for the keys the state said were pending. Without a state (`opened` null) every key of
/// `inputResponses` is taken: such answers are client input like any other, and a handler
/// only ever looks up the keys it asks. Recorded answers win over a retry's (an earlier
/// round's answer cannot be replaced). Keys not asked are ignored (MCP 2026-07-28 mrtr
/// "Error Handling"). Errors: bad_input_responses (present but not an object, or a used
/// answer that is not an object).
result<boost::json::object> collect_answers(const Opened* opened,
                                            const boost::json::value* input_responses);

struct SealOptions {
    /// How long a state opens after it is sealed. Short: a human answering a form or
    /// finishing an OAuth flow, not a session.
    std::chrono::seconds ttl{600};
    /// Tolerated clock difference between replicas for the issue time.
    std::chrono::seconds clock_skew{30};
    /// The largest wire form `seal` makes and `open` reads (every byte a client sends
    /// counts against a limit).
    std::size_t max_wire_size = 64 * 1024;
};

/// Seals and opens states. Thread-safe (the replay cache is).
class Sealer {
  public:
    /// `replay` must not be null.
    Sealer(KeyRing keys, std::shared_ptr<ReplayCache> replay, SealOptions options = {});

    /// The wire form of `payload` bound to `binding`, sealed with the current key, with a
    /// fresh random id. Errors: too_large.
    result<std::string> seal(const Payload& payload, const Binding& binding,
                             Clock::time_point now) const;

    /// Checks, in this order, and consumes: format (malformed), key id (unknown_key), AEAD
    /// tag (authentication_failed), payload (malformed), principal (principal_mismatch),
    /// method (method_mismatch), params (params_mismatch), time (expired), single use
    /// (replayed, replay_cache_full). Only a state passing every check is consumed.
    result<Opened> open(std::string_view wire, const Binding& binding, Clock::time_point now) const;

    const SealOptions& options() const noexcept { return options_; }
    /// The keys it seals and opens with.
    const KeyRing& keys() const noexcept { return keys_; }

  private:
    KeyRing keys_;
    std::shared_ptr<ReplayCache> replay_;
    SealOptions options_;
};

}  // namespace warden::state
