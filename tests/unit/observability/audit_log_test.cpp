#include "observability/audit_log.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <csignal>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace warden::observability {
namespace {

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(AuditLog, FormatsOneJsonObjectWithTimeFirst) {
    AuditRecord r;
    r.event = "auth";
    r.issuer = "https://as.example";
    r.subject = "alice";
    r.decision = "deny";
    r.reason = "insufficient_scope";
    r.required_scopes = {"mcp:admin", "mcp:tools"};
    r.duration = std::chrono::microseconds(1500);
    const auto line = AuditLog::format(r, std::chrono::system_clock::time_point{});
    EXPECT_EQ(line.rfind("{\"time\":\"1970-01-01T00:00:00.000Z\"", 0), 0u) << line;
    auto v = boost::json::parse(line).as_object();
    EXPECT_EQ(v.at("subject").as_string(), "alice");
    EXPECT_EQ(v.at("required_scopes").as_array().size(), 2u);
    EXPECT_DOUBLE_EQ(v.at("duration_ms").as_double(), 1.5);
    EXPECT_FALSE(v.contains("client_id"));  // empty fields are left out
}

TEST(AuditLog, EscapesWhatCouldBreakTheLine) {
    AuditRecord r;
    r.subject = "mallory\n{\"decision\":\"allow\"}";
    const auto line = AuditLog::format(r, std::chrono::system_clock::now());
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_EQ(boost::json::parse(line).as_object().at("subject").as_string(), r.subject);
}

TEST(AuditLog, AppendsWholeLinesFromManyThreadsAndReopens) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("warden-audit-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "audit.log";
    {
        AuditLog log(path.string());
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 200; ++i) {
                    AuditRecord r;
                    r.event = "tool_call";
                    r.subject = "user" + std::to_string(t);
                    log.write(r);
                }
            });
        for (auto& th : threads) th.join();
        // logrotate: move the file away, then ask for a reopen (SIGHUP in the server).
        std::filesystem::rename(path, dir / "audit.log.1");
        log.reopen();
        AuditRecord after;
        after.event = "auth";
        log.write(after);
    }
    std::istringstream old(read_all(dir / "audit.log.1"));
    int lines = 0;
    for (std::string line; std::getline(old, line); ++lines)
        EXPECT_NO_THROW(boost::json::parse(line)) << line;
    EXPECT_EQ(lines, 800);
    const auto fresh = read_all(path);
    EXPECT_NE(fresh.find("\"event\":\"auth\""), std::string::npos);
    EXPECT_EQ((std::filesystem::status(path).permissions() & std::filesystem::perms::others_read),
              std::filesystem::perms::none);
    std::filesystem::remove_all(dir);
}

TEST(AuditLog, ASighupReopensBeforeTheNextLine) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("warden-audit-hup-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "audit.log";
    {
        AuditLog log(path.string());
        AuditLog::reopen_on_sighup();
        AuditRecord before;
        before.event = "before";
        log.write(before);
        std::filesystem::rename(path, dir / "audit.log.1");
        ASSERT_EQ(::raise(SIGHUP), 0);  // the handler only flags; the write reopens
        AuditRecord after;
        after.event = "after";
        log.write(after);
    }
    std::signal(SIGHUP, SIG_DFL);
    const auto old = read_all(dir / "audit.log.1");
    const auto fresh = read_all(path);
    EXPECT_NE(old.find("\"before\""), std::string::npos);
    EXPECT_EQ(old.find("\"after\""), std::string::npos);
    EXPECT_NE(fresh.find("\"after\""), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(AuditLog, SaysHowManyLinesWereLeftOutBeforeThisOne) {
    AuditRecord r;
    r.event = "auth";
    EXPECT_EQ(AuditLog::format(r, {}).find("suppressed"), std::string::npos);
    r.suppressed = 42;
    auto line = boost::json::parse(AuditLog::format(r, {})).as_object();
    EXPECT_EQ(line.at("suppressed").to_number<std::uint64_t>(), 42u);
}

TEST(AuditLog, RefusesAPathItCannotOpen) {
    EXPECT_THROW(AuditLog("/nonexistent-dir/audit.log"), std::system_error);
}

}  // namespace
}  // namespace warden::observability
