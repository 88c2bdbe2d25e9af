#include <warden/app.hpp>

// App: registration, and choosing the transport to serve over.
#include "app/change_feed.hpp"
#include "app/observe.hpp"
#include "app/serve.hpp"
#include "app/state_keys.hpp"
#include "server/core.hpp"
#include "server/task_runner.hpp"
#include "server/timed_task_store.hpp"

#include <warden/crypto.hpp>
#include <warden/tasks.hpp>

#include <warden/state/replay_cache.hpp>
#include <warden/toolauth/environment.hpp>
#include <warden/toolauth/secrets.hpp>
#include <warden/toolauth/tool_auth.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <charconv>
#include <cstdint>
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
// `shared_url`: the PostgreSQL store replicas share (ToolAuth::shared_store_url), where
// tasks go too unless TaskOptions::store_path names a file.
bool install_task_runner(server::ServerCore& core, const std::optional<std::string>& shared_url) {
    if (core.task_runner()) return true;
    bool wanted = false;
    for (const auto& tool : core.registry().tools())
        wanted = wanted || tool->task_support != TaskSupport::forbidden;
    if (!wanted) return true;
    auto options = core.options().tasks;
    // WARDEN_TASK_LEASE_MS overrides TaskOptions::lease (replicas on PostgreSQL).
    if (auto lease = from_environment("WARDEN_TASK_LEASE_MS"); lease && !lease->empty()) {
        std::int64_t ms = 0;
        auto [end, ec] = std::from_chars(lease->data(), lease->data() + lease->size(), ms);
        if (ec != std::errc() || end != lease->data() + lease->size() || ms < 100) {
            spdlog::critical(
                "not starting: WARDEN_TASK_LEASE_MS must be a number of "
                "milliseconds, at least 100");
            return false;
        }
        options.lease = std::chrono::milliseconds(ms);
    }
    const bool shared = shared_url && options.store_path.empty();
    const auto path = task_store_path(options);
    auto store = tasks::open_task_store(shared ? *shared_url : std::string(), path,
                                        {options.max_active_per_owner});
    const std::string where = shared ? std::string("the shared PostgreSQL store") : path;
    if (!store) {
        spdlog::critical("not starting: tasks: cannot open the task store ({}): {}", where,
                         store.error().message());
        return false;
    }
    auto runner = std::make_shared<server::TaskRunner>(server::timed_task_store(*store), options);
    // Runs of tasks that were working when the last process stopped are lost: those tasks
    // end failed with a clear message (docs/building-servers.md, "Tasks"). Not on a shared
    // store: there a working task may be running on another replica right now; the leases
    // end the tasks of a replica that is gone instead (TaskStore::fail_abandoned,
    // docs/scaling.md).
    if (!shared)
        if (auto failed = runner->fail_unfinished())
            spdlog::warn("tasks: {} task(s) left running by the previous process marked failed",
                         failed);
    core.set_task_runner(std::move(runner));
    spdlog::info("tasks: on, kept in {}", where);
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
    // Replicas on one PostgreSQL store share single use of states, and their list changes
    // and resource updates.
    std::unique_ptr<app::ChangeFeed> feed;
    if (auto shared = tool_auth_->shared_store_url()) {
        core_->set_replay_cache(state::make_postgres_replay_cache(*shared));
        feed = std::make_unique<app::ChangeFeed>(core_, *shared);
        core_->set_change_publisher(
            [f = feed.get()](const server::ServerCore::Change& c) { f->publish(c); });
    }
    if (!install_task_runner(*core_, tool_auth_->shared_store_url())) return 1;
    const int code = options.transport == RunOptions::Transport::stdio
                         ? app::serve_stdio(core_, tool_auth_)
                         : app::serve_http(core_, tool_auth_, auth_, options.http,
                                           observability->main_port_routes());
    core_->set_change_publisher(nullptr);
    return code;
}

}  // namespace warden
