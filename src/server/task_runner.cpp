#include "server/task_runner.hpp"

#include "protocol/jsonrpc.hpp"
#include "server/core.hpp"
#include "server/input_round.hpp"
#include "server/methods.hpp"
#include "server/mrtr.hpp"

#include "observability/hub.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace warden::server {

namespace {

namespace pr = warden::protocol;

// A task's handler runs after its request was answered: its progress and log
// notifications have nowhere to go (SEP-2663: not supported on tasks), and no request can
// reach the client (input comes through tasks/get and tasks/update instead).
class DetachedExchange final : public Exchange {
  public:
    explicit DetachedExchange(TransportKind kind) : kind_(kind) {}
    void send(json::object) override {}
    void complete(json::value) override {}
    bool can_request() const override { return false; }
    TransportKind transport() const override { return kind_; }

  private:
    TransportKind kind_;
};

// What a task keeps of its tools/call: the request itself, not the envelope of this one
// delivery (SEP-2663 keeps MRTR state and task state apart; `task` is the 2025-11-25 hint).
json::object stored_params(json::object params) {
    for (auto key : {"_meta", "task", "inputResponses", "requestState"}) params.erase(key);
    return params;
}

json::object error_object(const RpcError& e) {
    json::object out{{"code", e.code}, {"message", e.message}};
    if (e.data) out["data"] = *e.data;
    return out;
}

}  // namespace

bool declares_tasks_extension(const json::object& client_capabilities) {
    const auto* ext = client_capabilities.if_contains("extensions");
    if (!ext || !ext->is_object()) return false;
    const auto* tasks = ext->get_object().if_contains(kTasksExtension);
    return tasks && tasks->is_object();
}

TaskCaller caller_of(const detail::CallState& call) {
    TaskCaller c;
    c.principal = call.principal;
    c.user_id = call.user_id;
    c.transport = call.transport;
    c.modern = call.modern;
    c.protocol_version = call.protocol_version;
    c.client_capabilities = call.client_capabilities;
    c.client_info = call.client_info;
    return c;
}

TaskRunner::TaskRunner(std::shared_ptr<tasks::TaskStore> store, TaskOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
    purger_ = std::jthread([this](std::stop_token stop) { purge_loop(stop); });
}

TaskRunner::~TaskRunner() {
    stop();
}

void TaskRunner::stop() {
    if (purger_.joinable()) {
        purger_.request_stop();
        purger_.join();
    }
    // Handlers still running learn that they should stop; their tasks end failed (the
    // server went away, nobody cancelled them).
    std::lock_guard lock(running_mutex_);
    stopping_ = true;
    for (auto& [id, weak] : running_)
        if (auto call = weak.lock()) call->cancelled = true;
}

tasks::result<tasks::Task> TaskRunner::start(ServerCore& core, const detail::CallState& call,
                                             json::object params, std::optional<tasks::Millis> ttl,
                                             json::object answers) {
    tasks::NewTask n;
    n.owner = tasks::owner_of(call.principal.get());
    n.method = "tools/call";
    n.params = stored_params(std::move(params));
    n.ttl = ttl ? std::min(*ttl, options_.ttl) : options_.ttl;
    n.poll_interval = options_.poll_interval;
    n.input_responses = std::move(answers);
    auto created = store_->create(n, tasks::Clock::now());
    if (!created) return created.error();
    run(core, *created, caller_of(call));
    return created;
}

void TaskRunner::resume(ServerCore& core, const tasks::Task& task, TaskCaller caller) {
    run(core, task, std::move(caller));
}

void TaskRunner::cancel_running(std::string_view id) {
    std::lock_guard lock(running_mutex_);
    if (auto it = running_.find(id); it != running_.end())
        if (auto call = it->second.lock()) call->cancelled = true;
}

void TaskRunner::run(ServerCore& core, const tasks::Task& task, TaskCaller caller) {
    auto call = std::make_shared<detail::CallState>();
    call->exchange = std::make_shared<DetachedExchange>(caller.transport);
    call->request_id = task.id;
    call->transport = caller.transport;
    call->principal = std::move(caller.principal);
    call->user_id = std::move(caller.user_id);
    call->request_timeout = core.options().client_request_timeout;
    call->waiting = core.waiting_calls();
    call->modern = caller.modern;
    call->protocol_version = std::move(caller.protocol_version);
    static const auto kNone = std::make_shared<const json::object>();
    call->client_capabilities =
        caller.client_capabilities ? std::move(caller.client_capabilities) : kNone;
    call->client_info = std::move(caller.client_info);
    call->task_id = task.id;
    {
        std::lock_guard lock(running_mutex_);
        running_[task.id] = call;
    }
    // Other replicas sharing the store see the task as run by this one while the lease
    // lasts (renewed by purge_loop); taken before the caller hears of the task. A no-op
    // for a store of one's own.
    std::vector<std::string> held_ids;  // (not a braced list: GCC 12 warns falsely on it)
    held_ids.push_back(task.id);
    if (auto held = store_->hold(held_ids, tasks::Clock::now() + options_.lease); !held)
        spdlog::warn("tasks: lease not taken: {}", held.error().message());
    core.post([self = shared_from_this(), core_ref = core.shared_from_this(), call,
               params = task.params, id = task.id, answers = task.input_responses,
               resume_state = task.resume_state] {
        observability::LevelHold running(observability::Level::tasks_running);
        // A cancel that came between creation and now: do not start at all.
        auto before = self->store_->load(id);
        bool cancelled = before && before->cancel_requested;
        MethodResult outcome = json::object{};
        RoundOutcome round;
        if (!cancelled) {
            auto tool = methods::called_tool(*core_ref, &params);
            auto run = [&]() -> MethodResult {
                try {
                    return methods::call_tool(*core_ref, call, &params, tool);
                } catch (const std::exception& e) {
                    spdlog::error("task handler failed: {}", e.what());
                    return RpcError{pr::error_code::internal_error,
                                    std::string("Internal error: ") + e.what()};
                }
            };
            if (call->modern) {
                // In 2026-07-28 the handler's input calls find the answers delivered so far
                // (tasks/update) or record their requests: the run ends, and the task waits
                // in input_required until the last answer re-runs it (SEP-2663 "Task
                // Update Requests"; the re-run mechanism of multi round-trip requests).
                RoundMemory memory;
                if (!resume_state.empty()) {
                    boost::system::error_code ec;
                    auto kept = json::parse(resume_state, ec);
                    if (!ec && kept.is_object()) {
                        const auto& k = kept.get_object();
                        if (const auto* h = k.if_contains("h")) memory.handler_state = *h;
                        if (const auto* f = k.if_contains("f"); f && f->is_object())
                            memory.framework = f->get_object();
                        // The capabilities of the request that created the task: its
                        // questions were asked under them, whoever delivers the answers.
                        if (const auto* c = k.if_contains("c"); c && c->is_object())
                            call->client_capabilities =
                                std::make_shared<const json::object>(c->get_object());
                    }
                }
                round = run_round(call, answers, std::move(memory), run);
                outcome = std::move(round.result);
            } else {
                outcome = run();
            }
        }
        bool stopping;
        {
            std::lock_guard lock(self->running_mutex_);
            self->running_.erase(id);
            stopping = self->stopping_;
        }
        tasks::Update u;
        if (!cancelled && call->cancelled) {
            auto after = self->store_->load(id);
            cancelled = after && after->cancel_requested;
        }
        if (cancelled) {
            u.status = tasks::Status::cancelled;
            u.status_message = "Cancelled at the client's request";
        } else if (stopping && call->cancelled) {
            u.status = tasks::Status::failed;
            u.error = json::object{{"code", pr::error_code::internal_error},
                                   {"message",
                                    "The server shut down while this task was running; call the "
                                    "tool again"}};
            u.status_message = "The server shut down while this task was running";
        } else if (round.input_required && !round.input_requests.empty()) {
            u.status = tasks::Status::input_required;
            u.input_requests = std::move(round.input_requests);
            u.status_message = "Waiting for input";
            json::object kept{{"c", *call->client_capabilities}};
            if (!round.memory.handler_state.is_null()) kept["h"] = round.memory.handler_state;
            if (!round.memory.framework.empty()) kept["f"] = round.memory.framework;
            u.resume_state = json::serialize(kept);
        } else if (round.input_required) {
            // Input required without a question to answer: a task cannot wait for nothing.
            u.status = tasks::Status::failed;
            u.error = json::object{{"code", pr::error_code::internal_error},
                                   {"message", "The tool asked for input without saying what"}};
            u.status_message = "The tool asked for input without saying what";
        } else if (auto* error = std::get_if<RpcError>(&outcome)) {
            u.status = tasks::Status::failed;
            u.error = error_object(*error);
            u.status_message = error->message;
        } else {
            auto& value = std::get<json::value>(outcome);
            u.status = tasks::Status::completed;
            if (value.is_object()) u.result = std::move(value.get_object());
            // SEP-2663: `result` is what the request would have answered, and a 2026-07-28
            // result says what it is.
            if (call->modern) u.result["resultType"] = "complete";
        }
        self->record(*core_ref, id, u);
    });
}

void TaskRunner::record(ServerCore& core, const std::string& id, const tasks::Update& update) {
    auto updated = store_->update(id, update, tasks::Clock::now());
    // A task cancelled while it waited for input is terminal already: nothing to record.
    if (!updated && updated.error() != tasks::Error::terminal)
        spdlog::error("tasks: could not record the outcome of a task: {}",
                      updated.error().message());
    if (updated) core.notify_task(*updated);
    {
        std::lock_guard lock(changed_mutex_);
        ++generation_;
    }
    changed_.notify_all();
}

std::size_t TaskRunner::fail_unfinished() {
    std::size_t failed = 0;
    tasks::Update u;
    u.status = tasks::Status::failed;
    u.error = json::object{{"code", pr::error_code::internal_error},
                           {"message",
                            "The server restarted while this task was running, and its run "
                            "was lost; call the tool again"}};
    u.status_message = "The server restarted while this task was running";
    while (true) {
        auto batch = store_->unfinished(tasks::Clock::now(), 100);
        if (!batch || batch->empty()) break;
        std::size_t before = failed;
        for (const auto& t : *batch)
            if (store_->update(t.id, u, tasks::Clock::now())) ++failed;
        if (failed == before) break;  // nothing moves: do not spin
    }
    return failed;
}

tasks::result<tasks::Task> TaskRunner::wait_terminal(std::string_view id, const tasks::Owner& owner,
                                                     std::chrono::steady_clock::time_point deadline,
                                                     const std::atomic<bool>& cancelled) {
    while (true) {
        std::uint64_t seen;
        {
            std::lock_guard lock(changed_mutex_);
            seen = generation_;
        }
        auto task = store_->get(id, owner, tasks::Clock::now());
        if (!task || tasks::is_terminal(task->status)) return task;
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline || cancelled) return task;
        // Woken by every outcome recorded here; a short period also catches changes made
        // by another process sharing the store.
        std::unique_lock lock(changed_mutex_);
        changed_.wait_for(lock,
                          std::min<std::chrono::steady_clock::duration>(
                              deadline - now, std::chrono::milliseconds(200)),
                          [&] { return generation_ != seen; });
    }
}

// Also watches the tasks running here for a cancel recorded in the store by another
// process: with a shared store (replicas on PostgreSQL) tasks/cancel may reach a replica
// that does not run the task, and only the store connects the two. One read per running
// task per poll interval, and none while nothing runs.
void TaskRunner::purge_loop(std::stop_token stop) {
    const auto renew_every = std::max(options_.lease / 3, std::chrono::milliseconds(50));
    const auto tick =
        std::max(std::min({options_.poll_interval, options_.purge_interval, renew_every}),
                 std::chrono::milliseconds(50));
    auto next_purge = std::chrono::steady_clock::now() + options_.purge_interval;
    auto next_renew = std::chrono::steady_clock::now() + renew_every;
    std::unique_lock lock(purge_mutex_);
    while (!stop.stop_requested()) {
        purge_wake_.wait_for(lock, stop, tick, [] { return false; });
        if (stop.stop_requested()) break;
        watch_cancels();
        if (std::chrono::steady_clock::now() >= next_renew) {
            next_renew = std::chrono::steady_clock::now() + renew_every;
            renew_leases();
        }
        if (std::chrono::steady_clock::now() < next_purge) continue;
        next_purge = std::chrono::steady_clock::now() + options_.purge_interval;
        if (auto purged = store_->purge_expired(tasks::Clock::now()); !purged)
            spdlog::warn("tasks: purging expired tasks failed: {}", purged.error().message());
    }
}

// On a shared store: the leases of the tasks running here are renewed, and the tasks of a
// replica that stopped renewing (it is gone) end failed, so their callers are not left
// polling `working` until the TTL. Both are no-ops for a store of one's own.
void TaskRunner::renew_leases() {
    std::vector<std::string> ids;
    {
        std::lock_guard lock(running_mutex_);
        for (const auto& [id, weak] : running_)
            if (!weak.expired()) ids.push_back(id);
    }
    const auto now = tasks::Clock::now();
    if (auto held = store_->hold(ids, now + options_.lease); !held)
        spdlog::warn("tasks: leases not renewed: {}", held.error().message());
    if (auto failed = store_->fail_abandoned(now); !failed)
        spdlog::warn("tasks: looking for abandoned tasks failed: {}", failed.error().message());
    else if (*failed > 0)
        spdlog::warn("tasks: {} task(s) of a server that stopped marked failed", *failed);
}

void TaskRunner::watch_cancels() {
    std::vector<std::pair<std::string, std::shared_ptr<detail::CallState>>> running;
    {
        std::lock_guard lock(running_mutex_);
        for (const auto& [id, weak] : running_)
            if (auto call = weak.lock(); call && !call->cancelled) running.emplace_back(id, call);
    }
    for (const auto& [id, call] : running)
        if (auto task = store_->load(id); task && task->cancel_requested) call->cancelled = true;
}

}  // namespace warden::server
