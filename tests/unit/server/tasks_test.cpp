// Tools as tasks (the tasks extension, SEP-2663, and the 2025-11-25 experimental tasks):
// creation, polling, cancellation, failures, the binding of every task request to its
// caller, and what survives a restart.
#include "protocol/versions.hpp"
#include "server/core.hpp"
#include "server/dispatch.hpp"
#include "server/task_runner.hpp"
#include "server/timed_task_store.hpp"

#include "observability/hub.hpp"
#include "observability/metrics.hpp"

#include <warden/error.hpp>
#include <warden/tasks.hpp>

#include "support/recording_exchange.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using warden::testing::RecordingExchange;

namespace json = boost::json;
namespace pr = warden::protocol;
using warden::server::Exchange;
using warden::server::ServerCore;

std::shared_ptr<const warden::Principal> principal(std::string sub, std::string client = "app") {
    auto p = std::make_shared<warden::Principal>();
    p->user_id = std::move(sub);
    p->client_id = std::move(client);
    p->issuer = "https://as.example";
    return p;
}

const json::object kWithTasks =
    json::parse(R"({"extensions":{"io.modelcontextprotocol/tasks":{}}})").as_object();

class Tasks : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("warden-tasks-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        start();
    }
    void TearDown() override {
        core_->shutdown();
        std::filesystem::remove_all(dir_);
    }

    // A server on the task store in `dir_` (a restart is another start on the same file).
    void start() {
        core_ = std::make_shared<ServerCore>(warden::ServerInfo{.name = "t", .version = "1"},
                                             warden::ServerOptions{.worker_threads = 4});
        warden::Tool slow;
        slow.name = "slow";
        slow.description = "waits until released or cancelled";
        slow.task_support = warden::TaskSupport::optional;
        slow.handler = [this](const json::object&, warden::Context& ctx) {
            while (!release_ && !ctx.cancelled())
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            return warden::ToolResult::text("released for " + ctx.user_id());
        };
        core_->registry().add(std::move(slow));
        warden::Tool only;
        only.name = "only_task";
        only.description = "task only";
        only.task_support = warden::TaskSupport::required;
        only.handler = [](const json::object&, warden::Context& ctx) {
            return warden::ToolResult::text("in task " + ctx.task_id());
        };
        core_->registry().add(std::move(only));
        warden::Tool broken;
        broken.name = "broken";
        broken.description = "a protocol error";
        broken.task_support = warden::TaskSupport::optional;
        broken.handler = [](const json::object&, warden::Context&) -> warden::ToolResult {
            throw warden::ProtocolError(-32603, "backend down");
        };
        core_->registry().add(std::move(broken));
        warden::Tool ask;
        ask.name = "ask_two";
        ask.description = "asks two questions at once";
        ask.task_support = warden::TaskSupport::optional;
        ask.handler = [](const json::object&, warden::Context& ctx) {
            const json::object schema{{"type", "object"}};
            auto first = ctx.elicit("first?", schema);
            auto second = ctx.elicit("second?", schema);
            if (!first || !second) return warden::ToolResult::error("waiting");
            return warden::ToolResult::text(std::string(first->action) + "+" + second->action);
        };
        core_->registry().add(std::move(ask));
        auto store = warden::tasks::open_sqlite_task_store((dir_ / "tasks.db").string());
        ASSERT_TRUE(store);
        runner_ = std::make_shared<warden::server::TaskRunner>(
            warden::server::timed_task_store(*store), warden::TaskOptions{});
        core_->set_task_runner(runner_);
    }

    json::value modern(std::string_view method, json::object params,
                       std::shared_ptr<const warden::Principal> who,
                       const json::object& caps = kWithTasks) {
        params["_meta"] = json::object{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                                       {"io.modelcontextprotocol/clientCapabilities", caps}};
        json::value message = {
            {"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
        auto exchange = std::make_shared<RecordingExchange>();
        warden::server::handle_modern_request(*core_, pr::classify(message), exchange,
                                              std::move(who), nullptr);
        return exchange->wait();
    }

    json::value legacy(std::string_view method, json::object params,
                       std::shared_ptr<const warden::Principal> who) {
        json::value message = {
            {"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
        auto exchange = std::make_shared<RecordingExchange>();
        warden::server::handle_legacy_stateless_request(*core_, pr::classify(message), "2025-11-25",
                                                        exchange, std::move(who));
        return exchange->wait();
    }

    // Polls tasks/get until the task is terminal.
    json::object settle(const std::string& id, std::shared_ptr<const warden::Principal> who) {
        for (int i = 0; i < 500; ++i) {
            auto r = modern("tasks/get", {{"taskId", id}}, who);
            const auto& res = r.as_object().at("result").as_object();
            auto status = res.at("status").as_string();
            if (status == "completed" || status == "failed" || status == "cancelled") return res;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ADD_FAILURE() << "task " << id << " did not settle";
        return {};
    }

    std::string create(std::string_view tool, std::shared_ptr<const warden::Principal> who) {
        auto r = modern("tools/call", {{"name", tool}, {"arguments", json::object{}}}, who);
        const auto& res = r.as_object().at("result").as_object();
        EXPECT_EQ(res.at("resultType"), "task");
        return std::string(res.at("taskId").as_string());
    }

    std::filesystem::path dir_;
    std::shared_ptr<ServerCore> core_;
    std::shared_ptr<warden::server::TaskRunner> runner_;
    std::atomic<bool> release_{false};
};

TEST_F(Tasks, DiscoverDeclaresTheExtension) {
    auto r = modern("server/discover", {}, nullptr);
    const auto& caps = r.as_object().at("result").at("capabilities").as_object();
    EXPECT_TRUE(caps.at("extensions").as_object().contains("io.modelcontextprotocol/tasks"));
    EXPECT_FALSE(caps.contains("tasks"));
}

TEST_F(Tasks, CreateTaskResultIsFlatAndTheResultIsInlinedWhenDone) {
    auto alice = principal("alice");
    auto r = modern("tools/call", {{"name", "slow"}, {"arguments", json::object{}}}, alice);
    const auto& created = r.as_object().at("result").as_object();
    EXPECT_EQ(created.at("resultType"), "task");
    EXPECT_EQ(created.at("status"), "working");
    EXPECT_TRUE(created.at("ttlMs").is_int64());
    EXPECT_TRUE(created.at("pollIntervalMs").is_int64());
    EXPECT_FALSE(created.contains("task"));
    EXPECT_FALSE(created.contains("result"));
    const std::string id(created.at("taskId").as_string());
    // Durable before the answer: an immediate tasks/get finds it.
    auto now = modern("tasks/get", {{"taskId", id}}, alice);
    EXPECT_EQ(now.at("result").at("taskId"), json::value(id));
    EXPECT_EQ(now.at("result").at("resultType"), "complete");
    release_ = true;
    auto done = settle(id, alice);
    EXPECT_EQ(done.at("status"), "completed");
    EXPECT_EQ(done.at("result").at("content").at(0).at("text"), "released for alice");
}

TEST_F(Tasks, AnotherCallersTaskAnswersLikeAnUnknownOne) {
    auto alice = principal("alice");
    const auto id = create("slow", alice);
    auto unknown = modern("tasks/get", {{"taskId", "no-such-task"}}, alice);
    const auto& expected = unknown.at("error").as_object();
    EXPECT_EQ(expected.at("code"), -32602);
    // bob, alice with another client, and anonymous: all exactly "not found".
    for (auto who : {principal("bob"), principal("alice", "other-app"),
                     std::shared_ptr<const warden::Principal>()}) {
        auto get = modern("tasks/get", {{"taskId", id}}, who);
        EXPECT_EQ(get.at("error").as_object(), expected);
        auto update =
            modern("tasks/update", {{"taskId", id}, {"inputResponses", json::object{}}}, who);
        EXPECT_EQ(update.at("error").at("code"), expected.at("code"));
        EXPECT_EQ(update.at("error").at("message"), expected.at("message"));
        auto cancel = modern("tasks/cancel", {{"taskId", id}}, who);
        EXPECT_EQ(cancel.at("error").at("code"), expected.at("code"));
        EXPECT_EQ(cancel.at("error").at("message"), expected.at("message"));
    }
    // bob's cancel changed nothing: alice's task is still working.
    EXPECT_EQ(modern("tasks/get", {{"taskId", id}}, alice).at("result").at("status"), "working");
    release_ = true;
    EXPECT_EQ(settle(id, alice).at("status"), "completed");
}

TEST_F(Tasks, WithoutTheExtensionNoTaskAndTaskMethodsAreRefused) {
    auto alice = principal("alice");
    const json::object none;
    release_ = true;
    auto sync =
        modern("tools/call", {{"name", "slow"}, {"arguments", json::object{}}}, alice, none);
    EXPECT_EQ(sync.at("result").at("resultType"), "complete");
    EXPECT_FALSE(sync.at("result").as_object().contains("taskId"));
    auto required =
        modern("tools/call", {{"name", "only_task"}, {"arguments", json::object{}}}, alice, none);
    EXPECT_EQ(required.at("error").at("code"), -32021);
    EXPECT_TRUE(required.at("error")
                    .at("data")
                    .at("requiredCapabilities")
                    .at("extensions")
                    .as_object()
                    .contains("io.modelcontextprotocol/tasks"));
    for (auto method : {"tasks/get", "tasks/update", "tasks/cancel"}) {
        auto r = modern(method, {{"taskId", "x"}, {"inputResponses", json::object{}}}, alice, none);
        EXPECT_EQ(r.at("error").at("code"), -32021) << method;
    }
    // SEP-2663 removed them.
    for (auto method : {"tasks/result", "tasks/list"})
        EXPECT_EQ(modern(method, {{"taskId", "x"}}, alice).at("error").at("code"), -32601);
}

TEST_F(Tasks, CancelStopsARunningTaskAndIsAnEmptyAckEvenWhenTerminal) {
    auto alice = principal("alice");
    const auto id = create("slow", alice);
    auto ack = modern("tasks/cancel", {{"taskId", id}}, alice);
    EXPECT_EQ(ack.at("result").as_object().size(), 2u);  // resultType and _meta only
    EXPECT_EQ(settle(id, alice).at("status"), "cancelled");
    auto again = modern("tasks/cancel", {{"taskId", id}}, alice);
    EXPECT_EQ(again.at("result").at("resultType"), "complete");
}

// warden_tasks_running counts a task while its handler runs, and not after.
TEST_F(Tasks, TheRunningGaugeFollowsATaskAndStoreOperationsAreTimed) {
    namespace obs = warden::observability;
    auto metrics = std::make_shared<obs::Metrics>();
    obs::install(metrics, nullptr);
    auto gauge_reads = [&](std::string_view value) {
        const auto line = "\nwarden_tasks_running " + std::string(value) + "\n";
        for (int i = 0; i < 1000; ++i) {
            if (metrics->exposition().find(line) != std::string::npos) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return false;
    };
    auto alice = principal("alice");
    const auto id = create("slow", alice);
    EXPECT_TRUE(gauge_reads("1"));
    modern("tasks/cancel", {{"taskId", id}}, alice);
    EXPECT_EQ(settle(id, alice).at("status"), "cancelled");
    EXPECT_TRUE(gauge_reads("0"));
    // The task store's operations are timed (the runner's store is wrapped, as App does).
    const auto text = metrics->exposition();
    for (auto op : {"task_create", "task_load", "task_cancel", "task_update"})
        EXPECT_NE(
            text.find(std::string("warden_store_operation_duration_seconds_count{operation=\"") +
                      op + "\"}"),
            std::string::npos)
            << op;
    obs::install(nullptr, nullptr);
}

TEST_F(Tasks, ProtocolErrorFailsTheTaskWithTheError) {
    auto alice = principal("alice");
    auto done = settle(create("broken", alice), alice);
    EXPECT_EQ(done.at("status"), "failed");
    EXPECT_EQ(done.at("error").at("code"), -32603);
    EXPECT_EQ(done.at("error").at("message"), "backend down");
    EXPECT_FALSE(done.contains("result"));
}

TEST_F(Tasks, AFinishedTaskSurvivesARestartAndARunningOneFails) {
    auto alice = principal("alice");
    auto finished = create("only_task", alice);
    EXPECT_EQ(settle(finished, alice).at("status"), "completed");
    auto running = create("slow", alice);
    // The process "dies" without recording the run: the store still says working.
    auto store = warden::tasks::open_sqlite_task_store((dir_ / "tasks.db").string());
    ASSERT_TRUE(store);
    core_->shutdown();
    // The shutdown recorded the running task as failed; make it look like a crash instead.
    warden::tasks::NewTask n;
    n.owner = warden::tasks::owner_of(alice.get());
    n.method = "tools/call";
    n.params = json::object{{"name", "slow"}};
    auto crashed = (*store)->create(n, warden::tasks::Clock::now());
    ASSERT_TRUE(crashed);
    start();
    EXPECT_EQ(runner_->fail_unfinished(), 1u);
    auto kept = modern("tasks/get", {{"taskId", finished}}, alice);
    EXPECT_EQ(kept.at("result").at("status"), "completed");
    EXPECT_EQ(kept.at("result").at("result").at("content").at(0).at("text"),
              json::value("in task " + finished));
    auto lost = modern("tasks/get", {{"taskId", crashed->id}}, alice);
    EXPECT_EQ(lost.at("result").at("status"), "failed");
    auto stopped = modern("tasks/get", {{"taskId", running}}, alice);
    EXPECT_EQ(stopped.at("result").at("status"), "failed");
}

TEST_F(Tasks, InputInsideATaskWaitsForEveryAnswerFromItsOwnerOnly) {
    auto alice = principal("alice");
    const auto caps =
        json::parse(R"({"elicitation":{},"extensions":{"io.modelcontextprotocol/tasks":{}}})")
            .as_object();
    auto r =
        modern("tools/call", {{"name", "ask_two"}, {"arguments", json::object{}}}, alice, caps);
    const std::string id(r.at("result").at("taskId").as_string());
    json::object task;
    for (int i = 0; i < 500; ++i) {
        task = modern("tasks/get", {{"taskId", id}}, alice, caps).at("result").as_object();
        if (task.at("status") != "working") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(task.at("status"), "input_required");
    const auto& asked = task.at("inputRequests").as_object();
    ASSERT_EQ(asked.size(), 2u);
    std::vector<std::string> keys;
    for (const auto& kv : asked) {
        EXPECT_EQ(kv.value().at("method"), "elicitation/create");
        keys.emplace_back(kv.key());
    }
    const json::object accept{{"action", "accept"}, {"content", json::object{}}};
    // bob cannot answer alice's questions: not found, and nothing recorded.
    auto bobs = modern("tasks/update",
                       {{"taskId", id}, {"inputResponses", {{keys[0], accept}, {keys[1], accept}}}},
                       principal("bob"), caps);
    EXPECT_EQ(bobs.at("error").at("code"), -32602);
    // A partial answer (and one to a key never asked, ignored) keeps the task waiting.
    auto partial = modern(
        "tasks/update", {{"taskId", id}, {"inputResponses", {{keys[0], accept}, {"nope", accept}}}},
        alice, caps);
    EXPECT_EQ(partial.at("result").at("resultType"), "complete");
    task = modern("tasks/get", {{"taskId", id}}, alice, caps).at("result").as_object();
    EXPECT_EQ(task.at("status"), "input_required");
    EXPECT_EQ(task.at("inputRequests").as_object().size(), 1u);
    EXPECT_TRUE(task.at("inputRequests").as_object().contains(keys[1]));
    modern("tasks/update",
           {{"taskId", id},
            {"inputResponses", {{keys[1], {{"action", "decline"}, {"content", json::object{}}}}}}},
           alice, caps);
    auto done = settle(id, alice);
    EXPECT_EQ(done.at("status"), "completed");
    EXPECT_EQ(done.at("result").at("content").at(0).at("text"), "accept+decline");
}

TEST_F(Tasks, ListenStreamsGetStatusOfTheCallersOwnTasksOnly) {
    auto alice = principal("alice");
    auto bob = principal("bob");
    const auto id = create("slow", alice);
    auto listen = [&](std::shared_ptr<const warden::Principal> who, const json::object& caps) {
        auto stream = std::make_shared<RecordingExchange>();
        json::object params{{"notifications", {{"taskIds", json::array{json::value(id), "nope"}}}},
                            {"_meta",
                             {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                              {"io.modelcontextprotocol/clientCapabilities", caps}}}};
        json::value message = {{"jsonrpc", "2.0"},
                               {"id", "sub"},
                               {"method", "subscriptions/listen"},
                               {"params", std::move(params)}};
        warden::server::handle_modern_request(*core_, pr::classify(message), stream, std::move(who),
                                              nullptr);
        return stream;
    };
    auto acked = [](const json::object& p) { return p.contains("notifications"); };
    auto mine = listen(alice, kWithTasks);
    auto ack = mine->wait_for("notifications/subscriptions/acknowledged", acked);
    EXPECT_EQ(ack.at("params").at("notifications").at("taskIds"), (json::array{json::value(id)}));
    auto theirs = listen(bob, kWithTasks);
    ack = theirs->wait_for("notifications/subscriptions/acknowledged", acked);
    EXPECT_FALSE(ack.at("params").at("notifications").as_object().contains("taskIds"));
    // Without the extension, asking for task ids is -32021 (SEP-2663).
    auto refused = std::make_shared<RecordingExchange>();
    json::value no_ext = {{"jsonrpc", "2.0"},
                          {"id", 9},
                          {"method", "subscriptions/listen"},
                          {"params",
                           {{"notifications", {{"taskIds", json::array{json::value(id)}}}},
                            {"_meta",
                             {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                              {"io.modelcontextprotocol/clientCapabilities", json::object{}}}}}}};
    warden::server::handle_modern_request(*core_, pr::classify(no_ext), refused, alice, nullptr);
    EXPECT_EQ(refused->wait().at("error").at("code"), -32021);

    release_ = true;
    auto done = mine->wait_for("notifications/tasks", [&](const json::object& p) {
        return p.at("taskId") == json::value(id) && p.at("status") == "completed";
    });
    ASSERT_FALSE(done.empty());
    EXPECT_EQ(done.at("params").at("result").at("content").at(0).at("text"), "released for alice");
    EXPECT_EQ(settle(id, alice).at("status"), "completed");
    // bob's stream got nothing of alice's task (it has settled: anything would be here).
    EXPECT_TRUE(theirs
                    ->wait_for(
                        "notifications/tasks", [](const json::object&) { return true; },
                        std::chrono::milliseconds(100))
                    .empty());
    core_->close_listeners();
}

TEST_F(Tasks, LegacyTasksAreBoundToTheCallerToo) {
    auto alice = principal("alice");
    auto bob = principal("bob");
    auto listed = legacy("tools/list", {}, alice);
    bool found = false;
    for (const auto& t : listed.at("result").at("tools").as_array())
        if (t.at("name") == "only_task") {
            found = true;
            EXPECT_EQ(t.at("execution").at("taskSupport"), "required");
        }
    EXPECT_TRUE(found);
    auto refused = legacy("tools/call", {{"name", "only_task"}}, alice);
    EXPECT_EQ(refused.at("error").at("code"), -32601);
    auto r = legacy("tools/call", {{"name", "only_task"}, {"task", {{"ttl", 60000}}}}, alice);
    const auto& task = r.at("result").at("task").as_object();
    EXPECT_EQ(task.at("ttl"), 60000);
    const std::string id(task.at("taskId").as_string());
    auto result = legacy("tasks/result", {{"taskId", id}}, alice);
    EXPECT_EQ(result.at("result").at("content").at(0).at("text"), json::value("in task " + id));
    EXPECT_EQ(
        result.at("result").at("_meta").at("io.modelcontextprotocol/related-task").at("taskId"),
        json::value(id));
    EXPECT_EQ(legacy("tasks/get", {{"taskId", id}}, alice).at("result").at("status"), "completed");
    EXPECT_EQ(legacy("tasks/get", {{"taskId", id}}, bob).at("error").at("code"), -32602);
    EXPECT_EQ(legacy("tasks/result", {{"taskId", id}}, bob).at("error").at("code"), -32602);
    EXPECT_EQ(legacy("tasks/list", {}, alice).at("result").at("tasks").as_array().size(), 1u);
    EXPECT_TRUE(legacy("tasks/list", {}, bob).at("result").at("tasks").as_array().empty());
    // A terminal task cannot be cancelled in 2025-11-25.
    EXPECT_EQ(legacy("tasks/cancel", {{"taskId", id}}, alice).at("error").at("code"), -32602);
}

}  // namespace
