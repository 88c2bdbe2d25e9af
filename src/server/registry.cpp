#include "server/registry.hpp"

#include "server/uri_template.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace warden::server {

namespace {

// Replaces the element with the same key, else appends; registration order is list order.
template <class T, class Key>
void upsert(std::vector<std::shared_ptr<const T>>& list, T item, Key key) {
    auto ptr = std::make_shared<const T>(std::move(item));
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const auto& existing) { return key(*existing) == key(*ptr); });
    if (it != list.end())
        *it = std::move(ptr);
    else
        list.push_back(std::move(ptr));
}

template <class T, class Key>
bool erase(std::vector<std::shared_ptr<const T>>& list, std::string_view wanted, Key key) {
    return std::erase_if(list, [&](const auto& item) { return key(*item) == wanted; }) > 0;
}

template <class T, class Key>
std::shared_ptr<const T> find(const std::vector<std::shared_ptr<const T>>& list,
                              std::string_view wanted, Key key) {
    for (const auto& item : list)
        if (key(*item) == wanted) return item;
    return nullptr;
}

constexpr auto by_name = [](const auto& item) -> std::string_view { return item.name; };
constexpr auto by_uri = [](const auto& item) -> std::string_view { return item.uri; };
constexpr auto by_template = [](const auto& item) -> std::string_view { return item.uri_template; };

// The message for a template scope that names a variable the template lacks.
std::string unknown_scope_variable(const std::string& uri_template, const std::string& scope) {
    std::string message = "resource template '";
    message.append(uri_template).append("': the scope '").append(scope);
    message.append("' names a variable the template does not have");
    return message;
}

// Does the input schema ask for an argument to be mirrored in an Mcp-Param-* header
// (`x-mcp-header` on a chain of `properties`, SEP-2243)?
bool mirrors_headers(const json::object& schema) {
    const auto* props = schema.if_contains("properties");
    if (!props || !props->is_object()) return false;
    for (const auto& kv : props->get_object()) {
        const auto* sub = kv.value().if_object();
        if (sub && (sub->contains("x-mcp-header") || mirrors_headers(*sub))) return true;
    }
    return false;
}

}  // namespace

void Registry::add(Tool tool) {
    if (tool.non_blocking && (tool.requires_auth || !tool.requires_secrets.empty()))
        throw std::invalid_argument("tool '" + tool.name +
                                    "': non_blocking cannot be combined with requires_auth or "
                                    "requires_secrets (their guard may wait on the network)");
    if (tool.non_blocking && tool.task_support != TaskSupport::forbidden)
        throw std::invalid_argument("tool '" + tool.name +
                                    "': non_blocking cannot be combined with task support (a "
                                    "task runs on the worker pool)");
    {
        std::unique_lock lock(mutex_);
        upsert(tools_, std::move(tool), by_name);
        note_header_params();
    }
    changed(RegistryKind::tools);
}

void Registry::add(Resource resource) {
    {
        std::unique_lock lock(mutex_);
        upsert(resources_, std::move(resource), by_uri);
    }
    changed(RegistryKind::resources);
}

void Registry::add(ResourceTemplate resource_template) {
    // A scope may name the template's variables; any other name could never be expanded,
    // and the resource could never be read: a programmer error, caught here.
    UriVariables sample;
    for (auto& name : template_variables(resource_template.uri_template))
        sample.try_emplace(std::move(name), 1, 'x');
    for (const auto& scope : resource_template.required_scopes)
        if (scope.find('{') != std::string::npos && !expand_uri_template(scope, sample))
            throw std::invalid_argument(
                unknown_scope_variable(resource_template.uri_template, scope));
    {
        std::unique_lock lock(mutex_);
        upsert(templates_, std::move(resource_template), by_template);
    }
    changed(RegistryKind::resources);
}

void Registry::add(Prompt prompt) {
    {
        std::unique_lock lock(mutex_);
        upsert(prompts_, std::move(prompt), by_name);
    }
    changed(RegistryKind::prompts);
}

bool Registry::remove_tool(std::string_view name) {
    bool removed;
    {
        std::unique_lock lock(mutex_);
        removed = erase(tools_, name, by_name);
        note_header_params();
    }
    if (removed) changed(RegistryKind::tools);
    return removed;
}

bool Registry::remove_resource(std::string_view uri) {
    bool removed;
    {
        std::unique_lock lock(mutex_);
        removed = erase(resources_, uri, by_uri) || erase(templates_, uri, by_template);
    }
    if (removed) changed(RegistryKind::resources);
    return removed;
}

bool Registry::remove_prompt(std::string_view name) {
    bool removed;
    {
        std::unique_lock lock(mutex_);
        removed = erase(prompts_, name, by_name);
    }
    if (removed) changed(RegistryKind::prompts);
    return removed;
}

void Registry::note_header_params() {
    header_params_ = std::any_of(tools_.begin(), tools_.end(),
                                 [](const auto& t) { return mirrors_headers(t->input_schema); });
}

std::shared_ptr<const Tool> Registry::find_tool(std::string_view name) const {
    std::shared_lock lock(mutex_);
    return find(tools_, name, by_name);
}

std::shared_ptr<const Resource> Registry::find_resource(std::string_view uri) const {
    std::shared_lock lock(mutex_);
    return find(resources_, uri, by_uri);
}

std::shared_ptr<const Prompt> Registry::find_prompt(std::string_view name) const {
    std::shared_lock lock(mutex_);
    return find(prompts_, name, by_name);
}

std::vector<std::shared_ptr<const Tool>> Registry::tools() const {
    std::shared_lock lock(mutex_);
    return tools_;
}

std::vector<std::shared_ptr<const Resource>> Registry::resources() const {
    std::shared_lock lock(mutex_);
    return resources_;
}

std::vector<std::shared_ptr<const ResourceTemplate>> Registry::templates() const {
    std::shared_lock lock(mutex_);
    return templates_;
}

std::vector<std::shared_ptr<const Prompt>> Registry::prompts() const {
    std::shared_lock lock(mutex_);
    return prompts_;
}

void Registry::on_change(ChangeListener listener) {
    std::unique_lock lock(mutex_);
    listener_ = std::move(listener);
}

void Registry::changed(RegistryKind kind) {
    ChangeListener listener;
    {
        std::shared_lock lock(mutex_);
        listener = listener_;
    }
    if (listener) listener(kind);
}

}  // namespace warden::server
