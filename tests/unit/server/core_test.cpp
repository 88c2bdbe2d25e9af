// The server core's worker pool: resizing before serving, and jobs still run afterwards.
#include "server/core.hpp"
#include "server/registry.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

namespace {

using warden::server::ServerCore;

TEST(ServerCoreWorkers, ResizedPoolRunsJobsOnItsThreads) {
    auto core = std::make_shared<ServerCore>(warden::ServerInfo{.name = "t", .version = "1"},
                                             warden::ServerOptions{.worker_threads = 4});
    core->set_worker_threads(1);
    EXPECT_EQ(core->options().worker_threads, 1u);
    std::mutex mutex;
    std::set<std::thread::id> threads;
    std::atomic<int> ran{0};
    for (int i = 0; i < 50; ++i)
        core->post([&] {
            std::lock_guard lock(mutex);
            threads.insert(std::this_thread::get_id());
            ++ran;
        });
    ASSERT_TRUE(core->wait_idle(std::chrono::seconds(5)));
    EXPECT_EQ(ran.load(), 50);
    EXPECT_EQ(threads.size(), 1u);
    EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
    core->shutdown();
}

TEST(ServerCoreWorkers, ZeroMeansOne) {
    auto core = std::make_shared<ServerCore>(warden::ServerInfo{.name = "t", .version = "1"},
                                             warden::ServerOptions{});
    core->set_worker_threads(0);
    EXPECT_EQ(core->options().worker_threads, 1u);
    std::atomic<bool> ran{false};
    core->post([&] { ran = true; });
    ASSERT_TRUE(core->wait_idle(std::chrono::seconds(5)));
    EXPECT_TRUE(ran.load());
    core->shutdown();
}

// The registry knows whether any tool mirrors an argument in an Mcp-Param-* header, so a
// 2026-07-28 call to a server where none does skips the check; adding, replacing and
// removing such a tool keeps it right.
TEST(Registry, KnowsWhetherAnyToolAsksForParamHeaders) {
    warden::server::Registry registry;
    auto tool = [](std::string name, const char* schema) {
        warden::Tool t;
        t.name = std::move(name);
        t.input_schema = boost::json::parse(schema).as_object();
        t.handler = [](const boost::json::object&, warden::Context&) {
            return warden::ToolResult::text("");
        };
        return t;
    };
    registry.add(tool("plain", R"({"type":"object","properties":{"a":{"type":"string"}}})"));
    EXPECT_FALSE(registry.any_header_params());
    const char* nested = R"({"type":"object","properties":{"where":{"type":"object",)"
                         R"("properties":{"region":{"type":"string","x-mcp-header":"Region"}}}}})";
    registry.add(tool("routed", nested));
    EXPECT_TRUE(registry.any_header_params());
    registry.add(tool("routed", R"({"type":"object"})"));  // replaced without the header
    EXPECT_FALSE(registry.any_header_params());
    registry.add(tool("routed", nested));
    EXPECT_TRUE(registry.remove_tool("routed"));
    EXPECT_FALSE(registry.any_header_params());
}

}  // namespace
