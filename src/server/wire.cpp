#include "server/wire.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

namespace warden::server {

namespace {

void put_if(json::object& out, std::string_view key, const std::string& value) {
    if (!value.empty()) out[key] = value;
}

void put_icons(json::object& out, const std::vector<Icon>& icons,
               const protocol::Features& features) {
    if (features.icons_and_urls && !icons.empty()) out["icons"] = icons_to_json(icons);
}

void put_meta(json::object& out, const json::object& meta) {
    if (!meta.empty()) out["_meta"] = meta;
}

}  // namespace

json::object tool_meta(const Tool& tool) {
    json::object meta = tool.meta;
    if (!tool.requires_auth && tool.requires_secrets.empty()) return meta;
    // The shape of arcade-mcp's `_meta.arcade.requirements`, under Warden's own key.
    json::object requirements;
    if (tool.requires_auth) {
        json::array scopes;
        for (const auto& s : tool.requires_auth->scopes) scopes.emplace_back(s);
        requirements["authorization"] = {{"provider_id", tool.requires_auth->provider},
                                         {"provider_type", "oauth2"},
                                         {"oauth2", {{"scopes", std::move(scopes)}}}};
    }
    if (!tool.requires_secrets.empty()) {
        json::array secrets;
        for (const auto& s : tool.requires_secrets) secrets.push_back(json::object{{"key", s}});
        requirements["secrets"] = std::move(secrets);
    }
    auto& warden = meta["warden"];
    if (!warden.is_object()) warden = json::object{};
    warden.get_object()["requirements"] = std::move(requirements);
    return meta;
}

json::array icons_to_json(const std::vector<Icon>& icons) {
    json::array out;
    for (const auto& icon : icons) {
        json::object i{{"src", icon.src}};
        put_if(i, "mimeType", icon.mime_type);
        if (!icon.sizes.empty()) {
            json::array sizes;
            for (const auto& s : icon.sizes) sizes.emplace_back(s);
            i["sizes"] = std::move(sizes);
        }
        put_if(i, "theme", icon.theme);
        out.push_back(std::move(i));
    }
    return out;
}

json::object initialize_result(const ServerInfo& info, std::string_view version, bool can_notify,
                               bool tasks) {
    auto features = protocol::features_of(version);
    json::object server_info{{"name", info.name}, {"version", info.version}};
    if (features.structured_content) put_if(server_info, "title", info.title);
    if (features.icons_and_urls) {
        put_if(server_info, "description", info.description);
        put_if(server_info, "websiteUrl", info.website_url);
        put_icons(server_info, info.icons, features);
    }
    json::object capabilities{
        {"tools", {{"listChanged", can_notify}}},
        {"resources", {{"subscribe", can_notify}, {"listChanged", can_notify}}},
        {"prompts", {{"listChanged", can_notify}}},
        {"logging", json::object{}},
    };
    if (version >= protocol::kVersion2025_03_26) capabilities["completions"] = json::object{};
    // 2025-11-25 experimental tasks: task-augmented tools/call, tasks/list, tasks/cancel.
    if (tasks && features.legacy_tasks)
        capabilities["tasks"] = json::object{{"list", json::object{}},
                                             {"cancel", json::object{}},
                                             {"requests", {{"tools", {{"call", json::object{}}}}}}};
    json::object result{{"protocolVersion", version},
                        {"capabilities", std::move(capabilities)},
                        {"serverInfo", std::move(server_info)}};
    put_if(result, "instructions", info.instructions);
    return result;
}

json::object server_identity(const ServerInfo& info) {
    json::object out{{"name", info.name}, {"version", info.version}};
    put_if(out, "title", info.title);
    put_if(out, "description", info.description);
    put_if(out, "websiteUrl", info.website_url);
    if (!info.icons.empty()) out["icons"] = icons_to_json(info.icons);
    return out;
}

json::object modern_capabilities(bool tasks) {
    // listChanged and subscribe are delivered on subscriptions/listen streams.
    json::object caps{
        {"tools", {{"listChanged", true}}},
        {"resources", {{"subscribe", true}, {"listChanged", true}}},
        {"prompts", {{"listChanged", true}}},
        {"logging", json::object{}},
        {"completions", json::object{}},
    };
    // SEP-2663: the extension is declared under `extensions`, never as `tasks`.
    if (tasks) caps["extensions"] = json::object{{"io.modelcontextprotocol/tasks", json::object{}}};
    return caps;
}

json::object discover_result(const ServerInfo& info, const ServerOptions& options, bool tasks) {
    json::array versions;
    for (auto v : protocol::kAllVersions) versions.emplace_back(v);
    json::object result{{"supportedVersions", std::move(versions)},
                        {"capabilities", modern_capabilities(tasks)}};
    put_if(result, "instructions", info.instructions);
    put_cache_hint(result, options.cache_discover);
    return result;
}

void put_cache_hint(json::object& result, const CacheHint& hint) {
    result["ttlMs"] = hint.ttl.count() < 0 ? 0 : hint.ttl.count();
    result["cacheScope"] = hint.is_private ? "private" : "public";
}

json::object tool_to_json(const Tool& tool, const protocol::Features& features) {
    json::object out{{"name", tool.name}};
    if (features.structured_content) put_if(out, "title", tool.title);
    put_if(out, "description", tool.description);
    out["inputSchema"] = tool.input_schema;
    if (features.structured_content && tool.output_schema)
        out["outputSchema"] = *tool.output_schema;
    if (features.tool_annotations) {
        const auto& a = tool.annotations;
        json::object annotations;
        put_if(annotations, "title", a.title);
        if (a.read_only) annotations["readOnlyHint"] = *a.read_only;
        if (a.destructive) annotations["destructiveHint"] = *a.destructive;
        if (a.idempotent) annotations["idempotentHint"] = *a.idempotent;
        if (a.open_world) annotations["openWorldHint"] = *a.open_world;
        if (!annotations.empty()) out["annotations"] = std::move(annotations);
    }
    put_icons(out, tool.icons, features);
    // 2025-11-25 "Tool-Level Negotiation" (absent means forbidden). 2026-07-28 has no such
    // field: the server decides per request (SEP-2663).
    if (features.legacy_tasks && tool.task_support != TaskSupport::forbidden)
        out["execution"] = json::object{
            {"taskSupport", tool.task_support == TaskSupport::required ? "required" : "optional"}};
    put_meta(out, tool_meta(tool));
    return out;
}

json::object resource_to_json(const Resource& r, const protocol::Features& features) {
    json::object out{{"uri", r.uri}, {"name", r.name}};
    if (features.structured_content) put_if(out, "title", r.title);
    put_if(out, "description", r.description);
    put_if(out, "mimeType", r.mime_type);
    if (r.size) out["size"] = *r.size;
    if (!r.annotations.empty()) out["annotations"] = r.annotations;
    put_icons(out, r.icons, features);
    put_meta(out, r.meta);
    return out;
}

json::object template_to_json(const ResourceTemplate& t, const protocol::Features& features) {
    json::object out{{"uriTemplate", t.uri_template}, {"name", t.name}};
    if (features.structured_content) put_if(out, "title", t.title);
    put_if(out, "description", t.description);
    put_if(out, "mimeType", t.mime_type);
    if (!t.annotations.empty()) out["annotations"] = t.annotations;
    put_icons(out, t.icons, features);
    put_meta(out, t.meta);
    return out;
}

json::object prompt_to_json(const Prompt& p, const protocol::Features& features) {
    json::object out{{"name", p.name}};
    if (features.structured_content) put_if(out, "title", p.title);
    put_if(out, "description", p.description);
    if (!p.arguments.empty()) {
        json::array args;
        for (const auto& a : p.arguments) {
            json::object arg{{"name", a.name}};
            if (features.structured_content) put_if(arg, "title", a.title);
            put_if(arg, "description", a.description);
            arg["required"] = a.required;
            args.push_back(std::move(arg));
        }
        out["arguments"] = std::move(args);
    }
    put_icons(out, p.icons, features);
    put_meta(out, p.meta);
    return out;
}

bool all_numbers_finite(const json::value& v) {
    switch (v.kind()) {
        case json::kind::double_:
            return std::isfinite(v.get_double());
        case json::kind::array:
            for (const auto& e : v.get_array())
                if (!all_numbers_finite(e)) return false;
            return true;
        case json::kind::object:
            for (const auto& e : v.get_object())
                if (!all_numbers_finite(e.value())) return false;
            return true;
        default:
            return true;
    }
}

json::object tool_result_to_json(const ToolResult& result, const protocol::Features& features) {
    json::object out = result.to_json();
    // JSON has no infinity or NaN (RFC 8259 §6); Boost.JSON would write `Infinity`, which
    // no client parses. The call fails instead, saying why.
    if (!all_numbers_finite(out)) {
        spdlog::warn("a tool result held a non-finite number; answered with an error instead");
        out = ToolResult::error(
                  "The tool's result holds a number that is not finite (infinity or NaN), "
                  "which JSON cannot carry, so it was not sent.")
                  .to_json();
    }
    if (!features.structured_content) out.erase("structuredContent");
    return out;
}

}  // namespace warden::server
