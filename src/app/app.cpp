#include <warden/app.hpp>

// App: registration, and choosing the transport to serve over.
#include "app/observe.hpp"
#include "app/serve.hpp"
#include "app/state_keys.hpp"
#include "server/core.hpp"
#include "server/task_runner.hpp"

#include <warden/crypto.hpp>
#include <warden/tasks.hpp>

#include <warden/toolauth/environment.hpp>
#include <warden/toolauth/secrets.hpp>
#include <warden/toolauth/tool_auth.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <cstdlib>

namespace warden {

namespace {

std::optional<std::string> from_environment(std::string_view name) {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

// TaskOptions::store_path, else the SQLite file of WARDEN_STORE_URL (one file can hold
// the token store and the task store), else WARDEN_TASKS_DB, else the state directory.
std::string task_store_path(const TaskOptions& options) {
    if (!options.store_path.empty()) return options.store_path;
    if (auto url = from_environment("WARDEN_STORE_URL"); url && url->starts_with("sqlite:"))
        return url->substr(7);
    if (auto path = from_environment("WARDEN_TASKS_DB"); path && !path->empty()) return *path;
    return crypto::data_dir(from_environment) + "/tasks.db";
}

// Tools with task support need the task store; a server without them opens nothing.
bool install_task_runner(server::ServerCore& core) {
    if (core.task_runner()) return true;
    bool wanted = false;
    for (const auto& tool : core.registry().tools())
        wanted = wanted || tool->task_support != TaskSupport::forbidden;
    if (!wanted) return true;
    const auto& options = core.options().tasks;
    if (auto url = from_environment("WARDEN_STORE_URL");
        url && !url->empty() && !url->starts_with("sqlite:") && options.store_path.empty())
        spdlog::warn(
            "tasks: WARDEN_STORE_URL is not SQLite; tasks stay in a local SQLite file "
            "(a shared task store for several replicas is not available yet)");
    const auto path = task_store_path(options);
    auto store = tasks::open_sqlite_task_store(path, {options.max_active_per_owner});
    if (!store) {
        spdlog::critical("not starting: tasks: cannot open the task store {}: {}", path,
                         store.error().message());
        return false;
    }
    auto runner = std::make_shared<server::TaskRunner>(*store, options);
    // Runs of tasks that were working when the last process stopped are lost: those tasks
    // end failed with a clear message (docs/building-servers.md, "Tasks").
    if (auto failed = runner->fail_unfinished())
        spdlog::warn("tasks: {} task(s) left running by the previous process marked failed",
                     failed);
    core.set_task_runner(std::move(runner));
    spdlog::info("tasks: on, kept in {}", path);
    return true;
}

}  // namespace

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
    if (!install_task_runner(*core_)) return 1;
    if (options.transport == RunOptions::Transport::stdio)
        return app::serve_stdio(core_, tool_auth_);
    return app::serve_http(core_, tool_auth_, auth_, options.http,
                           observability->main_port_routes());
}

}  // namespace warden
