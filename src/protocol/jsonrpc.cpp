#include "protocol/jsonrpc.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace warden::protocol {

namespace {

bool valid_id(const json::value& id) {
    // JSON-RPC allows string, number or null; MCP forbids null and we take only integers
    // and strings (fractional ids are an interoperability trap).
    return id.is_string() || id.is_int64() || id.is_uint64();
}

Classified invalid(std::string problem, const json::value* id = nullptr) {
    Classified c;
    c.kind = MessageKind::invalid;
    c.problem = std::move(problem);
    c.id = id;
    return c;
}

}  // namespace

Classified classify(const json::value& message) {
    if (!message.is_object()) return invalid("message is not a JSON object");
    const auto& obj = message.get_object();
    const json::value* id = obj.if_contains("id");
    const json::value* version = obj.if_contains("jsonrpc");
    if (!version || !version->is_string() || version->get_string() != "2.0")
        return invalid("\"jsonrpc\" must be \"2.0\"", id && valid_id(*id) ? id : nullptr);

    const json::value* method = obj.if_contains("method");
    if (method) {
        if (!method->is_string())
            return invalid("\"method\" must be a string", id && valid_id(*id) ? id : nullptr);
        const json::value* params = obj.if_contains("params");
        if (params && !params->is_object())
            return invalid("\"params\" must be an object", id && valid_id(*id) ? id : nullptr);
        Classified c;
        c.method = method->get_string();
        c.params = params ? &params->get_object() : nullptr;
        if (!id) {
            c.kind = MessageKind::notification;
            return c;
        }
        if (!valid_id(*id)) return invalid("\"id\" must be a string or an integer");
        c.kind = MessageKind::request;
        c.id = id;
        return c;
    }

    if (!id || !valid_id(*id)) return invalid("a response needs a string or integer \"id\"");
    const bool has_result = obj.contains("result");
    const bool has_error = obj.contains("error");
    if (has_result == has_error) return invalid("a response has exactly one of result and error");
    Classified c;
    c.id = id;
    c.kind = has_result ? MessageKind::response : MessageKind::error_response;
    return c;
}

std::optional<json::value> parse(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return std::nullopt;
    return v;
}

json::object make_result(const json::value& id, json::value result) {
    json::object out;
    out.reserve(3);
    out.emplace("jsonrpc", "2.0");
    out.emplace("id", id);
    out.emplace("result", std::move(result));
    return out;
}

json::object make_error(const json::value& id, int code, std::string_view message,
                        std::optional<json::value> data) {
    json::object error{{"code", code}, {"message", message}};
    if (data) error.emplace("data", std::move(*data));
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json::object make_notification(std::string_view method, json::object params) {
    return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

json::object make_request(const json::value& id, std::string_view method, json::object params) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

std::string id_key(const json::value& id) {
    if (id.is_string()) return "s:" + std::string(id.get_string());
    return "n:" + json::serialize(id);
}

}  // namespace warden::protocol
