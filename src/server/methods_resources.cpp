#include "server/methods.hpp"
#include "server/pagination.hpp"
#include "server/uri_template.hpp"
#include "server/wire.hpp"

#include <warden/context.hpp>

namespace warden::server::methods {

namespace pr = warden::protocol;

namespace {

template <class Items, class ToJson>
MethodResult list_page(ServerCore& core, const detail::CallState& call, const json::object* params,
                       const Items& items, std::string_view key, ToJson to_json) {
    auto page = page_for(params, items.size(), core.options().page_size);
    if (!page) return RpcError{pr::error_code::invalid_params, "Invalid params: bad cursor"};
    auto features = pr::features_of(call.protocol_version);
    json::array out;
    out.reserve(page->end - page->begin);
    for (std::size_t i = page->begin; i < page->end; ++i)
        out.push_back(to_json(*items[i], features));
    json::object result{{key, std::move(out)}};
    if (page->next_cursor) result["nextCursor"] = *page->next_cursor;
    if (features.modern) {
        CacheHint hint = core.options().cache_resources;
        // Filtered by the caller's scopes: no shared cache may hand it to someone else.
        if (core.lists_vary_by_caller() && call.principal) hint.is_private = true;
        put_cache_hint(result, hint);
    }
    return result;
}

// The items `principal` may use, when the server hides the others.
template <class Items>
Items visible(const ServerCore& core, Items items, const Principal* principal) {
    if (core.hides_unauthorized())
        std::erase_if(items, [&](const auto& item) {
            return !visible_to(core, item->required_scopes, principal);
        });
    return items;
}

json::value contents_to_json(const ServerCore& core, const detail::CallState& call,
                             const std::vector<ResourceContents>& contents) {
    json::array out;
    for (const auto& c : contents) out.push_back(c.to_json());
    json::object result{{"contents", std::move(out)}};
    if (call.modern) put_cache_hint(result, core.options().cache_resource_reads);
    return result;
}

}  // namespace

MethodResult list_resources(ServerCore& core, const detail::CallState& call,
                            const json::object* params) {
    return list_page(core, call, params,
                     visible(core, core.registry().resources(), call.principal.get()), "resources",
                     resource_to_json);
}

MethodResult list_resource_templates(ServerCore& core, const detail::CallState& call,
                                     const json::object* params) {
    return list_page(core, call, params,
                     visible(core, core.registry().templates(), call.principal.get()),
                     "resourceTemplates", template_to_json);
}

MethodResult read_resource(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                           const json::object* params) {
    const auto* uri_value = params ? params->if_contains("uri") : nullptr;
    if (!uri_value || !uri_value->is_string())
        return RpcError{pr::error_code::invalid_params, "Invalid params: uri must be a string"};
    std::string uri(uri_value->get_string());
    Context ctx(call);
    if (auto resource = core.registry().find_resource(uri); resource && resource->read)
        return contents_to_json(core, *call, resource->read(ctx));
    for (const auto& t : core.registry().templates()) {
        if (!t->read) continue;
        if (auto vars = match_uri_template(t->uri_template, uri))
            return contents_to_json(core, *call, t->read(uri, *vars, ctx));
    }
    // 2026-07-28 (SEP-2164): Invalid Params with data.uri; before, MCP's own -32002.
    return RpcError{
        call->modern ? pr::error_code::invalid_params : pr::error_code::resource_not_found,
        "Resource not found", json::object{{"uri", uri}}};
}

}  // namespace warden::server::methods
