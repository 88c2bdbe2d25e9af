#include <warden/crypto.hpp>
#include <warden/state/request_state.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace warden::state {
namespace {

namespace json = boost::json;

// Recursion depth is bounded by the parser that made the value (Boost.JSON: 32 by
// default, and the server's own limit).
void write_canonical(const json::value& v, std::string& out) {
    switch (v.kind()) {
        case json::kind::null:
            out += "null";
            return;
        case json::kind::bool_:
            out += v.get_bool() ? "true" : "false";
            return;
        case json::kind::int64:
            out += std::to_string(v.get_int64());
            return;
        case json::kind::uint64:
            out += std::to_string(v.get_uint64());
            return;
        case json::kind::double_: {
            const double d = v.get_double();
            // 2^53: every integer below is exact in a double, so 1.0 and 1 agree.
            if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9007199254740992.0)
                out += std::to_string(static_cast<long long>(d));
            else
                out += json::serialize(v);
            return;
        }
        case json::kind::string:
            out += json::serialize(v.get_string());
            return;
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v.get_array()) {
                if (!first) out += ',';
                first = false;
                write_canonical(e, out);
            }
            out += ']';
            return;
        }
        case json::kind::object: {
            std::vector<const json::key_value_pair*> members;
            for (const auto& kv : v.get_object()) members.push_back(&kv);
            // std::string_view compares like memcmp: by unsigned bytes.
            std::sort(members.begin(), members.end(),
                      [](auto* a, auto* b) { return a->key() < b->key(); });
            out += '{';
            bool first = true;
            for (const auto* kv : members) {
                if (!first) out += ',';
                first = false;
                out += json::serialize(json::string_view(kv->key()));
                out += ':';
                write_canonical(kv->value(), out);
            }
            out += '}';
            return;
        }
    }
}

}  // namespace

std::string principal_id(const Principal* principal) {
    if (!principal) return "anonymous";
    std::string id = principal->issuer;
    id += '\0';
    id += principal->user_id;
    return id;
}

std::string params_digest(const boost::json::object& params) {
    // MCP 2026-07-28 basic/patterns/mrtr: these change between the rounds of one request;
    // everything else is the request the state was issued for.
    json::object salient;
    for (const auto& kv : params) {
        const auto k = kv.key();
        if (k == "inputResponses" || k == "requestState" || k == "_meta") continue;
        salient.emplace(k, kv.value());
    }
    std::string text = "warden.params.v1";
    text += '\0';
    write_canonical(salient, text);
    return crypto::sha256(text);
}

Binding bind(const Principal* principal, std::string_view method,
             const boost::json::object& params) {
    return Binding{principal_id(principal), std::string(method), params_digest(params)};
}

}  // namespace warden::state

namespace warden::state {

result<boost::json::object> collect_answers(const Opened* opened,
                                            const boost::json::value* input_responses) {
    json::object answers = opened ? opened->payload.answers : json::object{};
    if (!input_responses) return answers;
    const auto* given = input_responses->if_object();
    if (!given) return Error::bad_input_responses;
    auto take = [&](std::string_view key) -> result<void> {
        const auto* answer = given->if_contains(key);
        if (!answer || answers.contains(key)) return {};
        if (!answer->is_object()) return Error::bad_input_responses;
        answers[key] = *answer;
        return {};
    };
    if (opened) {
        for (const auto& key : opened->payload.pending)
            if (auto r = take(key); !r) return r.error();
    } else {
        for (const auto& kv : *given)
            if (auto r = take(kv.key()); !r) return r.error();
    }
    return answers;
}

}  // namespace warden::state
