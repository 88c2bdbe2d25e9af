// The server core's worker pool: resizing before serving, and jobs still run afterwards.
#include "server/core.hpp"

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

}  // namespace
