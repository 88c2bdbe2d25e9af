#pragma once
// The tools, resources, resource templates and prompts a server offers. Thread-safe;
// lists are snapshots so a change never disturbs a listing in progress.

#include <warden/definitions.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace warden::server {

enum class RegistryKind { tools, resources, prompts };

class Registry {
  public:
    using ChangeListener = std::function<void(RegistryKind)>;

    /// Adds or replaces (by name / URI). Notifies the listener. Throws
    /// std::invalid_argument for a `non_blocking` tool that declares requirements.
    void add(Tool tool);
    void add(Resource resource);
    void add(ResourceTemplate resource_template);
    void add(Prompt prompt);
    bool remove_tool(std::string_view name);
    bool remove_resource(std::string_view uri);
    bool remove_prompt(std::string_view name);

    std::shared_ptr<const Tool> find_tool(std::string_view name) const;
    /// Whether some tool's input schema asks for Mcp-Param-* headers (`x-mcp-header`):
    /// when none does, a 2026-07-28 call has no parameter headers to check.
    bool any_header_params() const noexcept { return header_params_.load(); }
    std::shared_ptr<const Resource> find_resource(std::string_view uri) const;
    std::shared_ptr<const Prompt> find_prompt(std::string_view name) const;

    std::vector<std::shared_ptr<const Tool>> tools() const;
    std::vector<std::shared_ptr<const Resource>> resources() const;
    std::vector<std::shared_ptr<const ResourceTemplate>> templates() const;
    std::vector<std::shared_ptr<const Prompt>> prompts() const;

    /// Called after every change, outside the lock.
    void on_change(ChangeListener listener);

  private:
    template <class T>
    using List = std::vector<std::shared_ptr<const T>>;

    void changed(RegistryKind kind);
    void note_header_params();  // under the unique lock, after tools_ changed

    mutable std::shared_mutex mutex_;
    List<Tool> tools_;
    List<Resource> resources_;
    List<ResourceTemplate> templates_;
    List<Prompt> prompts_;
    ChangeListener listener_;
    std::atomic<bool> header_params_{false};
};

}  // namespace warden::server
