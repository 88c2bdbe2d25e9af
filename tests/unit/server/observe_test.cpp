// What the core tells observability: a call's trace (from _meta, else the transport's
// headers, else new) reaches the handler's Context; the answer is counted per method and
// registered tool (never per unknown name) and a tools/call gets an audit line.
#include "observability/hub.hpp"
#include "protocol/jsonrpc.hpp"
#include "server/core.hpp"
#include "server/dispatch.hpp"

#include "support/recording_exchange.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

namespace {

using warden::testing::RecordingExchange;

namespace json = boost::json;
namespace obs = warden::observability;
namespace pr = warden::protocol;

constexpr std::string_view kHeaderTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kMetaTrace = "0af7651916cd43dd8448eb211c80319c";

class Observe : public ::testing::Test {
  protected:
    void SetUp() override {
        core_ = std::make_shared<warden::server::ServerCore>(
            warden::ServerInfo{.name = "t", .version = "1"},
            warden::ServerOptions{.worker_threads = 2});
        warden::Tool trace;
        trace.name = "trace";
        trace.description = "answers with the call's trace id";
        trace.handler = [](const json::object&, warden::Context& ctx) {
            return warden::ToolResult::text(ctx.trace_id());
        };
        core_->registry().add(std::move(trace));
    }
    void TearDown() override {
        core_->shutdown();
        obs::install(nullptr, nullptr);
    }

    // A 2026-07-28 tools/call; `meta_traceparent` goes into _meta when not empty.
    json::value call(std::string_view tool, std::string header_traceparent = {},
                     std::string_view meta_traceparent = {}) {
        json::object meta{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                          {"io.modelcontextprotocol/clientCapabilities", json::object{}}};
        if (!meta_traceparent.empty()) meta["traceparent"] = meta_traceparent;
        json::value message = {
            {"jsonrpc", "2.0"},
            {"id", 3},
            {"method", "tools/call"},
            {"params", {{"name", tool}, {"arguments", json::object{}}, {"_meta", meta}}}};
        auto exchange = std::make_shared<RecordingExchange>(std::move(header_traceparent));
        warden::server::handle_modern_request(*core_, pr::classify(message), exchange, nullptr,
                                              nullptr);
        return exchange->wait();
    }

    static std::string text_of(const json::value& answer) {
        return std::string(answer.at("result").at("content").at(0).at("text").as_string());
    }

    std::shared_ptr<warden::server::ServerCore> core_;
};

TEST_F(Observe, MetaTraceparentWinsOverTheHeaderAndANewTraceStartsWithoutEither) {
    const std::string header = "00-" + std::string(kHeaderTrace) + "-00f067aa0ba902b7-01";
    const std::string meta = "00-" + std::string(kMetaTrace) + "-b7ad6b7169203331-01";
    EXPECT_EQ(text_of(call("trace", header, meta)), kMetaTrace);
    EXPECT_EQ(text_of(call("trace", header)), kHeaderTrace);
    // An invalid _meta value falls back to the header.
    EXPECT_EQ(text_of(call("trace", header, "00-not-a-trace")), kHeaderTrace);
    const auto fresh = text_of(call("trace"));
    EXPECT_EQ(fresh.size(), 32u);
    EXPECT_NE(fresh, text_of(call("trace")));
}

TEST_F(Observe, CountsPerRegisteredToolAndAuditsEveryToolCall) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("warden-observe-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "audit.log";
    auto metrics = std::make_shared<obs::Metrics>();
    obs::install(metrics, std::make_shared<obs::AuditLog>(path.string()));

    call("trace");
    call("trace");
    auto unknown = call("client_chosen_name_42");
    EXPECT_TRUE(unknown.as_object().contains("error"));

    const auto text = metrics->exposition();
    EXPECT_NE(
        text.find(R"(warden_request_duration_seconds_count{method="tools/call",tool="trace"} 2)"),
        std::string::npos)
        << text;
    EXPECT_NE(
        text.find(R"(warden_requests_total{method="tools/call",era="modern",outcome="ok"} 2)"),
        std::string::npos);
    EXPECT_NE(
        text.find(R"(warden_requests_total{method="tools/call",era="modern",outcome="error"} 1)"),
        std::string::npos);
    EXPECT_EQ(text.find("client_chosen_name_42"), std::string::npos);

    std::ifstream in(path);
    std::vector<json::object> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line).as_object());
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].at("event"), "tool_call");
    EXPECT_EQ(lines[0].at("operation"), "tools/call trace");
    EXPECT_EQ(lines[0].at("decision"), "ok");
    EXPECT_EQ(lines[0].at("request_id"), "3");
    EXPECT_EQ(lines[0].at("trace_id").as_string().size(), 32u);
    EXPECT_EQ(lines[2].at("operation"), "tools/call client_chosen_name_42");
    EXPECT_EQ(lines[2].at("reason"), "unknown_tool");
    std::filesystem::remove_all(dir);
}

}  // namespace
