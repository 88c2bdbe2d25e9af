#include "server/request_meta.hpp"

#include "protocol/jsonrpc.hpp"
#include "protocol/versions.hpp"

namespace warden::server {

namespace pr = warden::protocol;

namespace {

const json::object* meta_of(const json::object* params) noexcept {
    if (!params) return nullptr;
    const auto* meta = params->if_contains("_meta");
    return meta && meta->is_object() ? &meta->get_object() : nullptr;
}

RpcError invalid_meta(std::string message) {
    return RpcError{pr::error_code::invalid_params, "Invalid params: " + std::move(message)};
}

const std::shared_ptr<const json::object>& empty_object() {
    static const auto empty = std::make_shared<const json::object>();
    return empty;
}

}  // namespace

bool has_modern_meta(const json::object* params) noexcept {
    const auto* meta = meta_of(params);
    return meta && meta->contains(meta_key::protocol_version);
}

std::string_view meta_protocol_version(const json::object* params) noexcept {
    const auto* meta = meta_of(params);
    if (!meta) return {};
    const auto* v = meta->if_contains(meta_key::protocol_version);
    return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

RpcError unsupported_version_error(std::string_view requested) {
    json::array supported;
    for (auto v : pr::kAllVersions) supported.emplace_back(v);
    return RpcError{pr::error_code::unsupported_protocol_version, "Unsupported protocol version",
                    json::object{{"supported", std::move(supported)}, {"requested", requested}}};
}

std::variant<ModernMeta, RpcError> read_modern_meta(const json::object* params) {
    const auto* meta = meta_of(params);
    if (!meta)
        return invalid_meta(
            "_meta with io.modelcontextprotocol/protocolVersion and "
            "io.modelcontextprotocol/clientCapabilities is required");
    const auto* version = meta->if_contains(meta_key::protocol_version);
    if (!version || !version->is_string())
        return invalid_meta("_meta." + std::string(meta_key::protocol_version) +
                            " must be a string");
    const auto* caps = meta->if_contains(meta_key::client_capabilities);
    if (!caps || !caps->is_object())
        return invalid_meta("_meta." + std::string(meta_key::client_capabilities) +
                            " must be an object");
    if (!pr::is_modern_version(version->get_string()))
        return unsupported_version_error(version->get_string());

    ModernMeta out;
    out.protocol_version = version->get_string();
    out.client_capabilities = caps->get_object().empty()
                                  ? empty_object()
                                  : std::make_shared<const json::object>(caps->get_object());
    const auto* info = meta->if_contains(meta_key::client_info);
    out.client_info = info && info->is_object()
                          ? std::make_shared<const json::object>(info->get_object())
                          : empty_object();
    if (const auto* level = meta->if_contains(meta_key::log_level)) {
        std::optional<LogLevel> parsed;
        if (level->is_string()) parsed = parse_log_level(level->get_string());
        if (!parsed)
            return invalid_meta("_meta." + std::string(meta_key::log_level) +
                                " must be a log level name");
        out.log_level = parsed;
    }
    return out;
}

}  // namespace warden::server
