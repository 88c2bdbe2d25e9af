#include "server/methods.hpp"
#include "server/pagination.hpp"
#include "server/wire.hpp"

#include <warden/context.hpp>

namespace warden::server::methods {

namespace pr = warden::protocol;

namespace {
// MCP: completion/complete returns at most 100 values.
constexpr std::size_t kMaxCompletions = 100;
}  // namespace

MethodResult list_prompts(ServerCore& core, const detail::CallState& call,
                          const json::object* params) {
    auto prompts = core.registry().prompts();
    if (core.hides_unauthorized())
        std::erase_if(prompts, [&](const auto& p) {
            return !visible_to(core, p->required_scopes, call.principal.get());
        });
    auto page = page_for(params, prompts.size(), core.options().page_size);
    if (!page) return RpcError{pr::error_code::invalid_params, "Invalid params: bad cursor"};
    auto features = pr::features_of(call.protocol_version);
    json::array out;
    for (std::size_t i = page->begin; i < page->end; ++i)
        out.push_back(prompt_to_json(*prompts[i], features));
    json::object result{{"prompts", std::move(out)}};
    if (page->next_cursor) result["nextCursor"] = *page->next_cursor;
    if (features.modern) {
        CacheHint hint = core.options().cache_prompts;
        if (core.lists_vary_by_caller() && call.principal) hint.is_private = true;
        put_cache_hint(result, hint);
    }
    return result;
}

MethodResult get_prompt(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                        const json::object* params) {
    const auto* name = params ? params->if_contains("name") : nullptr;
    if (!name || !name->is_string())
        return RpcError{pr::error_code::invalid_params, "Invalid params: name must be a string"};
    auto prompt = core.registry().find_prompt(name->get_string());
    if (!prompt)
        return RpcError{pr::error_code::invalid_params,
                        "Invalid params: unknown prompt " + std::string(name->get_string())};
    std::map<std::string, std::string> args;
    if (const auto* given = params->if_contains("arguments"); given && !given->is_null()) {
        if (!given->is_object())
            return RpcError{pr::error_code::invalid_params,
                            "Invalid params: arguments must be an object"};
        for (const auto& kv : given->get_object()) {
            if (!kv.value().is_string())
                return RpcError{
                    pr::error_code::invalid_params,
                    "Invalid params: argument " + std::string(kv.key()) + " must be a string"};
            args.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
        }
    }
    for (const auto& a : prompt->arguments)
        if (a.required && !args.contains(a.name))
            return RpcError{pr::error_code::invalid_params,
                            "Invalid params: missing required argument " + a.name};
    Context ctx(call);
    return prompt->get(args, ctx).to_json();
}

MethodResult complete(ServerCore& core, const std::shared_ptr<detail::CallState>&,
                      const json::object* params) {
    const auto* ref = params ? params->if_contains("ref") : nullptr;
    const auto* argument = params ? params->if_contains("argument") : nullptr;
    if (!ref || !ref->is_object() || !argument || !argument->is_object())
        return RpcError{pr::error_code::invalid_params,
                        "Invalid params: ref and argument must be objects"};
    const auto* arg_name = argument->get_object().if_contains("name");
    const auto* arg_value = argument->get_object().if_contains("value");
    if (!arg_name || !arg_name->is_string() || !arg_value || !arg_value->is_string())
        return RpcError{pr::error_code::invalid_params,
                        "Invalid params: argument needs string name and value"};

    std::map<std::string, std::string> context_args;
    if (const auto* ctx = params->if_contains("context"); ctx && ctx->is_object())
        if (const auto* a = ctx->get_object().if_contains("arguments"); a && a->is_object())
            for (const auto& kv : a->get_object())
                if (kv.value().is_string())
                    context_args.emplace(std::string(kv.key()),
                                         std::string(kv.value().get_string()));

    const auto& r = ref->get_object();
    const auto* type = r.if_contains("type");
    const std::map<std::string, Completer>* completers = nullptr;
    std::shared_ptr<const Prompt> prompt;
    std::shared_ptr<const ResourceTemplate> resource_template;
    if (type && type->is_string() && type->get_string() == "ref/prompt") {
        const auto* name = r.if_contains("name");
        if (name && name->is_string()) prompt = core.registry().find_prompt(name->get_string());
        if (!prompt)
            return RpcError{pr::error_code::invalid_params, "Invalid params: unknown prompt"};
        completers = &prompt->completions;
    } else if (type && type->is_string() && type->get_string() == "ref/resource") {
        const auto* uri = r.if_contains("uri");
        if (uri && uri->is_string())
            for (const auto& t : core.registry().templates())
                if (t->uri_template == uri->get_string()) resource_template = t;
        if (!resource_template)
            return RpcError{pr::error_code::invalid_params,
                            "Invalid params: unknown resource template"};
        completers = &resource_template->completions;
    } else {
        return RpcError{pr::error_code::invalid_params,
                        "Invalid params: ref.type must be ref/prompt or ref/resource"};
    }

    std::vector<std::string> values;
    if (auto it = completers->find(std::string(arg_name->get_string()));
        it != completers->end() && it->second)
        values = it->second(arg_value->get_string(), context_args);
    const std::size_t total = values.size();
    json::array out;
    for (std::size_t i = 0; i < total && i < kMaxCompletions; ++i) out.emplace_back(values[i]);
    return json::object{
        {"completion",
         {{"values", std::move(out)}, {"total", total}, {"hasMore", total > kMaxCompletions}}}};
}

}  // namespace warden::server::methods
