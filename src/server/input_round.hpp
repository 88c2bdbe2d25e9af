#pragma once
// One round of an MCP 2026-07-28 multi round-trip request (basic/patterns/mrtr): the
// answers a run of the handler may use, and the input requests it asks. Warden resumes a
// request by running its handler again from the start with the answers recorded so far
// (docs/input-required-and-tasks.md); each `ctx.elicit`/`sample`/`list_roots` finds its
// answer here by key, or records its request and lets the handler go on to ask the rest.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace warden::server {

namespace json = boost::json;

/// Thread-safe: a handler may ask from threads it starts.
class InputRound {
  public:
    /// `answers`: by input-request key (earlier rounds' and the retry's `inputResponses`).
    /// `handler_state`: what the handler kept with `Context::set_request_state` in the round
    /// before (null on a first round). `framework_data`: what Warden itself kept (e.g. a
    /// pending downstream authorization), an object.
    explicit InputRound(json::object answers = {}, json::value handler_state = nullptr,
                        json::object framework_data = {});

    /// The key of the next input call of `kind` ("elicitation", "sampling", "roots") that
    /// names none: `kind-N`, N counting that kind's calls in this run from 1, so that a
    /// handler asking the same questions in the same order gets the same keys every run.
    std::string next_key(std::string_view kind);

    /// The answer to `key`, or nullptr when there is none yet. An answer looked up is
    /// "used": it is carried into the next round's state.
    const json::object* answer(std::string_view key);

    /// Records the input request `{method, params}` under `key` (a second request under
    /// the same key in one run replaces the first).
    void ask(std::string key, std::string method, json::object params);

    /// An input call found that the client lacks `capability` ("sampling", "elicitation",
    /// "roots"; `elicitation.url` for URL mode: recorded as {"elicitation": {"url": {}}}).
    void note_missing(std::string_view capability, std::string_view sub = {});

    /// The handler asked to end this round with an `InputRequiredResult` even without
    /// input requests (Context::require_input).
    void require();

    /// The state the handler kept in the round before (null on a first round); fixed for
    /// the run, so reading it needs no lock.
    const json::value& handler_state() const { return handler_state_; }
    /// The state to keep for the next round (by default the one given).
    void set_next_handler_state(json::value state);
    json::value next_handler_state() const;

    /// Framework data kept between rounds, by owner ("toolauth", ...).
    json::value framework(std::string_view owner) const;  ///< null when none
    void set_framework(std::string owner, json::value data);

    /// True when the run asked something it has no answer to, or asked explicitly.
    bool input_required() const;
    /// The outstanding input requests, by key.
    json::object requests() const;
    /// The keys of `requests()`.
    std::vector<std::string> pending_keys() const;
    /// The answers this run used (what the next round must still have).
    json::object used_answers() const;
    /// The ClientCapabilities object naming what input calls found missing; empty when none.
    json::object missing_capabilities() const;
    json::object framework_data() const;

  private:
    mutable std::mutex mutex_;
    json::object answers_;
    const json::value handler_state_;
    json::value next_handler_state_;
    json::object framework_;
    std::map<std::string, std::size_t, std::less<>> counters_;
    json::object requests_;
    std::vector<std::string> used_;
    json::object missing_;
    bool required_ = false;
};

}  // namespace warden::server
