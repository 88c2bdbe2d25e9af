// The request-centric core in the 2026-07-28 era: the context comes from each request's
// _meta, no session is needed, and the answers carry what the revision adds.
#include "protocol/versions.hpp"
#include "server/core.hpp"
#include "server/dispatch.hpp"
#include "server/request_meta.hpp"
#include "server/session.hpp"

#include "support/recording_exchange.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace {

using warden::testing::RecordingExchange;

namespace json = boost::json;
namespace pr = warden::protocol;
using warden::server::Exchange;
using warden::server::ServerCore;

json::object meta(std::string_view extra = "") {
    return json::parse(std::string(R"({"io.modelcontextprotocol/protocolVersion":"2026-07-28",)") +
                       R"("io.modelcontextprotocol/clientCapabilities":{})" + std::string(extra) +
                       "}")
        .as_object();
}

class Modern : public ::testing::Test {
  protected:
    void SetUp() override {
        core_ = std::make_shared<ServerCore>(warden::ServerInfo{.name = "t", .version = "9"},
                                             warden::ServerOptions{.worker_threads = 2});
        warden::Tool logs;
        logs.name = "logs";
        logs.description = "logs once";
        logs.handler = [](const json::object&, warden::Context& ctx) {
            ctx.info("hello");
            return warden::ToolResult::text(ctx.modern() ? "modern" : "legacy");
        };
        core_->registry().add(std::move(logs));
        warden::Tool needs;
        needs.name = "needs_sampling";
        needs.description = "needs sampling";
        needs.required_client_capabilities = {"sampling"};
        needs.handler = [](const json::object&, warden::Context&) {
            return warden::ToolResult::text("ran");
        };
        core_->registry().add(std::move(needs));
        warden::Tool with_meta;
        with_meta.name = "with_meta";
        with_meta.description = "answers with a _meta of its own";
        with_meta.non_blocking = true;
        with_meta.handler = [](const json::object&, warden::Context&) {
            auto r = warden::ToolResult::text("mine");
            r.meta["example.com/mine"] = "kept";
            return r;
        };
        core_->registry().add(std::move(with_meta));
    }
    void TearDown() override { core_->shutdown(); }

    json::value request(std::string_view method, json::object params,
                        std::shared_ptr<RecordingExchange> exchange = nullptr) {
        if (!exchange) exchange = std::make_shared<RecordingExchange>();
        json::value message = {
            {"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", std::move(params)}};
        auto c = pr::classify(message);
        warden::server::handle_modern_request(*core_, c, exchange, nullptr, nullptr);
        return exchange->wait();
    }

    std::shared_ptr<ServerCore> core_;
};

TEST(RequestMeta, MissingFieldsAreInvalidParams) {
    json::object no_meta;
    auto r = warden::server::read_modern_meta(&no_meta);
    ASSERT_TRUE(std::holds_alternative<warden::server::RpcError>(r));
    EXPECT_EQ(std::get<warden::server::RpcError>(r).code, pr::error_code::invalid_params);
    json::object no_caps{{"_meta", {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}}}};
    r = warden::server::read_modern_meta(&no_caps);
    ASSERT_TRUE(std::holds_alternative<warden::server::RpcError>(r));
    EXPECT_EQ(std::get<warden::server::RpcError>(r).code, pr::error_code::invalid_params);
}

TEST(RequestMeta, UnknownVersionListsSupportedAndEchoesRequested) {
    json::object params{{"_meta",
                         {{"io.modelcontextprotocol/protocolVersion", "1900-01-01"},
                          {"io.modelcontextprotocol/clientCapabilities", json::object{}}}}};
    auto r = warden::server::read_modern_meta(&params);
    ASSERT_TRUE(std::holds_alternative<warden::server::RpcError>(r));
    const auto& e = std::get<warden::server::RpcError>(r);
    EXPECT_EQ(e.code, pr::error_code::unsupported_protocol_version);
    EXPECT_EQ(e.data->at("requested"), "1900-01-01");
    EXPECT_EQ(e.data->at("supported").as_array().at(0), "2026-07-28");
}

TEST(RequestMeta, ReadsCapabilitiesClientInfoAndLogLevel) {
    json::object params{{"_meta", meta(R"(,"io.modelcontextprotocol/clientInfo":{"name":"c"},)"
                                       R"("io.modelcontextprotocol/logLevel":"warning")")}};
    auto r = warden::server::read_modern_meta(&params);
    ASSERT_TRUE(std::holds_alternative<warden::server::ModernMeta>(r));
    const auto& m = std::get<warden::server::ModernMeta>(r);
    EXPECT_EQ(m.protocol_version, "2026-07-28");
    EXPECT_EQ(m.client_info->at("name"), "c");
    EXPECT_EQ(m.log_level, warden::LogLevel::warning);
}

TEST_F(Modern, DiscoverNamesVersionsCapabilitiesAndIdentity) {
    auto r = request("server/discover", {{"_meta", meta()}}).as_object();
    const auto& result = r.at("result").as_object();
    EXPECT_EQ(result.at("resultType"), "complete");
    EXPECT_EQ(result.at("supportedVersions").as_array().size(), pr::kAllVersions.size());
    EXPECT_TRUE(result.at("capabilities").as_object().contains("tools"));
    EXPECT_EQ(result.at("_meta").at("io.modelcontextprotocol/serverInfo").at("version"), "9");
    EXPECT_TRUE(result.contains("ttlMs"));
    EXPECT_TRUE(result.contains("cacheScope"));
}

// Results without a `_meta` get the identity spliced in as text; results with one get it
// added to theirs. Both must read as the same JSON-RPC response.
TEST_F(Modern, EveryResultSaysWhatItIsAndWhoAnswered) {
    for (std::string_view tool : {"logs", "with_meta"}) {
        auto r = request("tools/call", {{"name", tool}, {"_meta", meta()}}).as_object();
        EXPECT_EQ(r.at("jsonrpc"), "2.0") << tool;
        EXPECT_EQ(r.at("id"), 7) << tool;
        ASSERT_TRUE(r.contains("result")) << json::serialize(r);
        const auto& result = r.at("result").as_object();
        EXPECT_EQ(result.at("resultType"), "complete") << tool;
        const auto& info = result.at("_meta").at("io.modelcontextprotocol/serverInfo");
        EXPECT_EQ(info.at("name"), "t") << tool;
        EXPECT_EQ(info.at("version"), "9") << tool;
        EXPECT_FALSE(result.at("content").as_array().empty()) << tool;
    }
    auto own = request("tools/call", {{"name", "with_meta"}, {"_meta", meta()}});
    EXPECT_EQ(own.at("result").at("_meta").at("example.com/mine"), "kept");
    EXPECT_EQ(own.at("result").at("_meta").as_object().size(), 2u);
    // A string id is echoed as a string, whatever path wrote the answer.
    auto exchange = std::make_shared<RecordingExchange>();
    json::value message = {{"jsonrpc", "2.0"},
                           {"id", "a\"b"},
                           {"method", "tools/call"},
                           {"params", {{"name", "logs"}, {"_meta", meta()}}}};
    warden::server::handle_modern_request(*core_, pr::classify(message), exchange, nullptr,
                                          nullptr);
    EXPECT_EQ(exchange->wait().at("id"), "a\"b");
}

TEST_F(Modern, ListingsCarryCacheHintsAndResultType) {
    auto r = request("tools/list", {{"_meta", meta()}}).as_object();
    const auto& result = r.at("result").as_object();
    EXPECT_EQ(result.at("resultType"), "complete");
    EXPECT_EQ(result.at("cacheScope"), "public");
    EXPECT_EQ(result.at("tools").as_array().at(0).at("name"), "logs");
}

TEST_F(Modern, RemovedMethodsAreUnknownAndEchoTheId) {
    for (std::string_view method : {"initialize", "ping", "logging/setLevel", "resources/subscribe",
                                    "resources/unsubscribe"}) {
        auto r = request(method, {{"_meta", meta()}}).as_object();
        EXPECT_EQ(r.at("error").at("code"), pr::error_code::method_not_found) << method;
        EXPECT_EQ(r.at("id"), 7) << method;
    }
}

TEST_F(Modern, NoLogNotificationsWithoutALevel) {
    auto exchange = std::make_shared<RecordingExchange>();
    auto r = request("tools/call", {{"name", "logs"}, {"_meta", meta()}}, exchange);
    EXPECT_EQ(r.at("result").at("content").at(0).at("text"), "modern");
    EXPECT_EQ(exchange->sent_count(), 0u);

    auto with_level = std::make_shared<RecordingExchange>();
    request("tools/call",
            {{"name", "logs"}, {"_meta", meta(R"(,"io.modelcontextprotocol/logLevel":"info")")}},
            with_level);
    ASSERT_EQ(with_level->sent_count(), 1u);
    EXPECT_EQ(with_level->sent_at(0).at("method"), "notifications/message");
}

TEST_F(Modern, MissingClientCapabilityIsRefusedBeforeTheHandler) {
    auto r = request("tools/call", {{"name", "needs_sampling"}, {"_meta", meta()}}).as_object();
    EXPECT_EQ(r.at("error").at("code"), pr::error_code::missing_client_capability);
    EXPECT_TRUE(r.at("error").at("data").at("requiredCapabilities").at("sampling").is_object());
    auto ok = request("tools/call",
                      {{"name", "needs_sampling"},
                       {"_meta", json::parse(R"({"io.modelcontextprotocol/protocolVersion":)"
                                             R"("2026-07-28","io.modelcontextprotocol/)"
                                             R"(clientCapabilities":{"sampling":{}}})")}});
    EXPECT_EQ(ok.at("result").at("content").at(0).at("text"), "ran");
}

TEST_F(Modern, ListenAcknowledgesFirstAndSendsOnlyWhatWasAskedFor) {
    auto exchange = std::make_shared<RecordingExchange>();
    json::value message = {
        {"jsonrpc", "2.0"},
        {"id", "sub-1"},
        {"method", "subscriptions/listen"},
        {"params", {{"_meta", meta()}, {"notifications", {{"toolsListChanged", true}}}}}};
    warden::server::handle_modern_request(*core_, pr::classify(message), exchange, nullptr,
                                          nullptr);
    ASSERT_EQ(exchange->sent_count(), 1u);
    EXPECT_EQ(exchange->sent_at(0).at("method"), "notifications/subscriptions/acknowledged");
    EXPECT_EQ(
        exchange->sent_at(0).at("params").at("_meta").at("io.modelcontextprotocol/subscriptionId"),
        "sub-1");

    warden::Prompt prompt;
    prompt.name = "p";
    core_->registry().add(std::move(prompt));  // not asked for: nothing sent
    EXPECT_EQ(exchange->sent_count(), 1u);
    core_->registry().remove_tool("logs");
    ASSERT_EQ(exchange->sent_count(), 2u);
    EXPECT_EQ(exchange->sent_at(1).at("method"), "notifications/tools/list_changed");
    EXPECT_EQ(
        exchange->sent_at(1).at("params").at("_meta").at("io.modelcontextprotocol/subscriptionId"),
        "sub-1");
    // Shutdown ends the subscription gracefully, with a result.
    core_->shutdown();
    auto end = exchange->wait();
    EXPECT_EQ(end.at("result").at("resultType"), "complete");
}

TEST_F(Modern, StdioSessionServesBothEras) {
    auto session = core_->create_session({});
    auto legacy_call = std::make_shared<RecordingExchange>();
    session->handle(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})"), legacy_call);
    EXPECT_TRUE(legacy_call->wait().as_object().contains("error"));  // not initialized

    auto modern_call = std::make_shared<RecordingExchange>();
    json::value message = {{"jsonrpc", "2.0"},
                           {"id", 2},
                           {"method", "tools/call"},
                           {"params", {{"name", "logs"}, {"_meta", meta()}}}};
    session->handle(message, modern_call);
    EXPECT_EQ(modern_call->wait().at("result").at("content").at(0).at("text"), "modern");
}

TEST_F(Modern, StdioListenEndsOnNotificationsCancelled) {
    auto session = core_->create_session({});
    auto exchange = std::make_shared<RecordingExchange>();
    json::value listen = {
        {"jsonrpc", "2.0"},
        {"id", "l"},
        {"method", "subscriptions/listen"},
        {"params", {{"_meta", meta()}, {"notifications", {{"toolsListChanged", true}}}}}};
    session->handle(listen, exchange);
    ASSERT_EQ(exchange->sent_count(), 1u);  // the acknowledgment
    session->handle(json::parse(R"({"jsonrpc":"2.0","method":"notifications/cancelled",)"
                                R"("params":{"requestId":"l"}})"),
                    exchange);
    core_->registry().remove_tool("logs");
    EXPECT_EQ(exchange->sent_count(), 1u);    // nothing after the cancellation
    EXPECT_TRUE(exchange->wait().is_null());  // ended without an answer
}

TEST(LegacyStateless, AdvertisesNoNotificationsAndRefusesSubscribe) {
    auto core = std::make_shared<ServerCore>(warden::ServerInfo{.name = "t", .version = "1"},
                                             warden::ServerOptions{.worker_threads = 1});
    auto session = core->create_session({});
    session->set_stateless(true);
    auto init = std::make_shared<RecordingExchange>();
    session->handle(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":)"
                                R"({"protocolVersion":"2025-11-25","capabilities":{},)"
                                R"("clientInfo":{"name":"c","version":"1"}}})"),
                    init);
    const json::value answer = init->wait();
    const auto& caps = answer.at("result").at("capabilities");
    EXPECT_EQ(caps.at("resources").at("subscribe"), false);
    EXPECT_EQ(caps.at("tools").at("listChanged"), false);
    auto sub = std::make_shared<RecordingExchange>();
    session->handle(json::parse(R"({"jsonrpc":"2.0","id":2,"method":"resources/subscribe",)"
                                R"("params":{"uri":"x://y"}})"),
                    sub);
    EXPECT_EQ(sub->wait().at("error").at("code"), pr::error_code::method_not_found);
    core->shutdown();
}

}  // namespace
