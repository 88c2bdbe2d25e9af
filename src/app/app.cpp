#include <warden/app.hpp>

// App: registration, and choosing the transport to serve over.
#include "app/change_feed.hpp"
#include "app/observe.hpp"
#include "app/serve.hpp"
#include "app/state_keys.hpp"
#include "server/core.hpp"

#include <warden/state/replay_cache.hpp>
#include <warden/toolauth/environment.hpp>
#include <warden/toolauth/secrets.hpp>
#include <warden/toolauth/tool_auth.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace warden {

App::App(ServerInfo info, ServerOptions options)
    : core_(std::make_shared<server::ServerCore>(std::move(info), std::move(options))) {}

App& App::tool_auth(toolauth::ToolAuthOptions options) {
    tool_auth_ = toolauth::ToolAuth::create(std::move(options));
    return *this;
}

App::~App() {
    core_->shutdown();
}

App& App::add_tool(Tool tool) {
    core_->registry().add(std::move(tool));
    return *this;
}

App& App::add_resource(Resource resource) {
    core_->registry().add(std::move(resource));
    return *this;
}

App& App::add_resource_template(ResourceTemplate resource_template) {
    core_->registry().add(std::move(resource_template));
    return *this;
}

App& App::add_prompt(Prompt prompt) {
    core_->registry().add(std::move(prompt));
    return *this;
}

bool App::remove_tool(std::string_view name) {
    return core_->registry().remove_tool(name);
}
bool App::remove_resource(std::string_view uri) {
    return core_->registry().remove_resource(uri);
}
bool App::remove_prompt(std::string_view name) {
    return core_->registry().remove_prompt(name);
}

void App::notify_resource_updated(std::string_view uri) {
    core_->notify_resource_updated(uri);
}

App& App::auth(auth::ResourceServerAuth config) {
    auth_ = std::move(config);
    return *this;
}

int App::serve(const RunOptions& options) {
    // Logs go to stderr whatever the transport: stdout belongs to the protocol on stdio.
    auto logger = spdlog::get("warden");
    if (!logger) logger = spdlog::stderr_color_mt("warden");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(options.log_level));
    toolauth::install_log_redaction();
    if (!tool_auth_) tool_auth_ = toolauth::ToolAuth::create({});
    if (auto checked = tool_auth_->check_configuration(); !checked) {
        spdlog::critical("not starting: tool-level auth: {}", checked.error().message());
        return 1;
    }
    if (!app::configure_state_keys(*core_, toolauth::process_environment())) return 1;
    core_->set_tool_guard(
        [auth = tool_auth_](const Tool& tool, Context& ctx) { return auth->prepare(tool, ctx); });
    auto observability = app::Observability::start(core_, options);
    if (!observability) return 2;
    // Replicas on one PostgreSQL store share single use of states, and their list changes
    // and resource updates.
    std::unique_ptr<app::ChangeFeed> feed;
    if (auto shared = tool_auth_->shared_store_url()) {
        core_->set_replay_cache(state::make_postgres_replay_cache(*shared));
        feed = std::make_unique<app::ChangeFeed>(core_, *shared);
        core_->set_change_publisher(
            [f = feed.get()](const server::ServerCore::Change& c) { f->publish(c); });
    }
    const int code = options.transport == RunOptions::Transport::stdio
                         ? app::serve_stdio(core_, tool_auth_)
                         : app::serve_http(core_, tool_auth_, auth_, options.http,
                                           observability->main_port_routes());
    core_->set_change_publisher(nullptr);
    return code;
}

}  // namespace warden
