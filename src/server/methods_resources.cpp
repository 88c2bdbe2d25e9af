#include "server/methods.hpp"
#include "server/pagination.hpp"
#include "server/uri_template.hpp"
#include "server/wire.hpp"

#include <warden/context.hpp>

namespace warden::server::methods {

namespace pr = warden::protocol;

namespace {

template <class Items, class ToJson>
MethodResult list_page(ServerCore& core, const Session& session, const json::object* params,
                       const Items& items, std::string_view key, ToJson to_json) {
    auto page = page_for(params, items.size(), core.options().page_size);
    if (!page) return RpcError{pr::error_code::invalid_params, "Invalid params: bad cursor"};
    auto features = pr::features_of(session.protocol_version());
    json::array out;
    out.reserve(page->end - page->begin);
    for (std::size_t i = page->begin; i < page->end; ++i)
        out.push_back(to_json(*items[i], features));
    json::object result{{key, std::move(out)}};
    if (page->next_cursor) result["nextCursor"] = *page->next_cursor;
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

json::value contents_to_json(const std::vector<ResourceContents>& contents) {
    json::array out;
    for (const auto& c : contents) out.push_back(c.to_json());
    return json::object{{"contents", std::move(out)}};
}

}  // namespace

MethodResult list_resources(ServerCore& core, const Session& session, const json::object* params,
                            const Principal* principal) {
    return list_page(core, session, params, visible(core, core.registry().resources(), principal),
                     "resources", resource_to_json);
}

MethodResult list_resource_templates(ServerCore& core, const Session& session,
                                     const json::object* params, const Principal* principal) {
    return list_page(core, session, params, visible(core, core.registry().templates(), principal),
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
        return contents_to_json(resource->read(ctx));
    for (const auto& t : core.registry().templates()) {
        if (!t->read) continue;
        if (auto vars = match_uri_template(t->uri_template, uri))
            return contents_to_json(t->read(uri, *vars, ctx));
    }
    return RpcError{pr::error_code::resource_not_found, "Resource not found",
                    json::object{{"uri", uri}}};
}

}  // namespace warden::server::methods
