// The session's error paths: JSON-RPC framing errors, lifecycle, unknown names, bad params.
#include "server/core.hpp"
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
using warden::server::Exchange;
using warden::server::ServerCore;
using warden::server::Session;

class SessionErrors : public ::testing::Test {
  protected:
    void SetUp() override {
        core_ = std::make_shared<ServerCore>(
            warden::ServerInfo{.name = "t", .version = "1"},
            warden::ServerOptions{.worker_threads = 2, .page_size = 1});
        warden::Tool tool;
        tool.name = "ok";
        tool.description = "returns ok";
        tool.handler = [](const json::object&, warden::Context&) {
            return warden::ToolResult::text("ok");
        };
        core_->registry().add(tool);
        tool.name = "ok2";
        core_->registry().add(tool);
        core_->registry().add(
            warden::Prompt{.name = "needs_arg",
                           .description = "needs a",
                           .arguments = {{.name = "a", .required = true}},
                           .get = [](const std::map<std::string, std::string>&, warden::Context&) {
                               return warden::PromptResult{};
                           }});
        session_ = core_->create_session({});
    }
    void TearDown() override {
        session_->close();
        core_->shutdown();
    }

    // Sends `text` and returns the completed response (null when nothing was answered).
    json::value send(std::string_view text) {
        auto exchange = std::make_shared<RecordingExchange>();
        if (session_->handle_text(text, exchange) == Session::Outcome::accepted) return nullptr;
        return exchange->wait();
    }
    void initialize(std::string_view version) {
        auto response = send(R"({"jsonrpc":"2.0","id":"init","method":"initialize","params":)"
                             R"({"protocolVersion":")" +
                             std::string(version) + R"(","capabilities":{}}})");
        ASSERT_EQ(response.at("result").at("protocolVersion").as_string(), version);
    }
    static std::int64_t error_code(const json::value& response) {
        return response.at("error").at("code").as_int64();
    }

    std::shared_ptr<ServerCore> core_;
    std::shared_ptr<Session> session_;
};

TEST_F(SessionErrors, MalformedJsonIsParseErrorWithNullId) {
    auto response = send(R"({"jsonrpc":"2.0","id":1,"method":)");
    EXPECT_EQ(error_code(response), -32700);
    EXPECT_TRUE(response.at("id").is_null());
}

TEST_F(SessionErrors, NonStringMethodIsInvalidRequestEchoingTheId) {
    auto response = send(R"({"jsonrpc":"2.0","id":5,"method":42})");
    EXPECT_EQ(error_code(response), -32600);
    EXPECT_EQ(response.at("id").as_int64(), 5);
}

TEST_F(SessionErrors, WrongJsonRpcVersionIsInvalidRequest) {
    EXPECT_EQ(error_code(send(R"({"jsonrpc":"1.0","id":1,"method":"ping"})")), -32600);
}

TEST_F(SessionErrors, RequestBeforeInitializeIsRefusedButPingIsAnswered) {
    EXPECT_EQ(error_code(send(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})")), -32600);
    EXPECT_TRUE(send(R"({"jsonrpc":"2.0","id":2,"method":"ping"})").at("result").is_object());
}

TEST_F(SessionErrors, UnknownMethodIsMethodNotFound) {
    initialize("2025-11-25");
    EXPECT_EQ(error_code(send(R"({"jsonrpc":"2.0","id":1,"method":"nope/nothing"})")), -32601);
}

TEST_F(SessionErrors, NotificationsAreNeverAnswered) {
    initialize("2025-11-25");
    EXPECT_TRUE(send(R"({"jsonrpc":"2.0","method":"nope/nothing"})").is_null());
}

TEST_F(SessionErrors, BatchIsRejectedUnder2025_06_18) {
    initialize("2025-06-18");
    auto response = send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
    ASSERT_TRUE(response.is_object());
    EXPECT_EQ(error_code(response), -32600);
}

TEST_F(SessionErrors, BatchIsAnsweredUnder2025_03_26) {
    initialize("2025-03-26");
    auto response = send(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},)"
                         R"({"jsonrpc":"2.0","id":2,"method":"ping"}])");
    ASSERT_TRUE(response.is_array());
    EXPECT_EQ(response.as_array().size(), 2u);
}

TEST_F(SessionErrors, EmptyBatchIsInvalidRequest) {
    initialize("2025-03-26");
    EXPECT_EQ(error_code(send("[]")), -32600);
}

TEST_F(SessionErrors, PaginationFollowsCursorAndRejectsABadOne) {
    initialize("2025-11-25");
    auto first = send(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
    const auto& result = first.at("result").as_object();
    ASSERT_EQ(result.at("tools").as_array().size(), 1u);
    ASSERT_TRUE(result.contains("nextCursor"));
    auto second = send(R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":)" +
                       json::serialize(result.at("nextCursor")) + "}}");
    EXPECT_EQ(second.at("result").at("tools").at(0).at("name").as_string(), "ok2");
    EXPECT_FALSE(second.at("result").as_object().contains("nextCursor"));
    EXPECT_EQ(error_code(send(R"({"jsonrpc":"2.0","id":3,"method":"tools/list",)"
                              R"("params":{"cursor":"garbage"}})")),
              -32602);
}

TEST_F(SessionErrors, UnknownToolIsInvalidParams) {
    initialize("2025-11-25");
    EXPECT_EQ(error_code(send(R"({"jsonrpc":"2.0","id":1,"method":"tools/call",)"
                              R"("params":{"name":"missing"}})")),
              -32602);
}

TEST_F(SessionErrors, ToolArgumentsThatAreNotAnObjectAreAToolError) {
    initialize("2025-11-25");
    auto response = send(R"({"jsonrpc":"2.0","id":1,"method":"tools/call",)"
                         R"("params":{"name":"ok","arguments":[1]}})");
    EXPECT_EQ(response.at("result").at("isError").as_bool(), true);
}

TEST_F(SessionErrors, PromptWithoutRequiredArgumentIsInvalidParams) {
    initialize("2025-11-25");
    auto response = send(R"({"jsonrpc":"2.0","id":1,"method":"prompts/get",)"
                         R"("params":{"name":"needs_arg","arguments":{}}})");
    EXPECT_EQ(error_code(response), -32602);
    EXPECT_NE(std::string(response.at("error").at("message").as_string()).find('a'),
              std::string::npos);
}

TEST_F(SessionErrors, UnknownResourceIsResourceNotFound) {
    initialize("2025-11-25");
    auto response = send(R"({"jsonrpc":"2.0","id":1,"method":"resources/read",)"
                         R"("params":{"uri":"test://none"}})");
    EXPECT_EQ(error_code(response), -32002);
    EXPECT_EQ(response.at("error").at("data").at("uri").as_string(), "test://none");
}

TEST_F(SessionErrors, BadLogLevelIsInvalidParams) {
    initialize("2025-11-25");
    EXPECT_EQ(error_code(send(R"({"jsonrpc":"2.0","id":1,"method":"logging/setLevel",)"
                              R"("params":{"level":"loud"}})")),
              -32602);
}

}  // namespace
