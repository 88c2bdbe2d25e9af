// MCP 2026-07-28 multi round-trip requests in the core: input calls record their requests,
// the request ends with an InputRequiredResult, and the retry re-runs the handler with the
// recorded answers; the sealed requestState refuses every kind of misuse.
#include "server/mrtr.hpp"
#include "protocol/jsonrpc.hpp"
#include "server/core.hpp"
#include "server/dispatch.hpp"

#include "support/recording_exchange.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace {

using warden::testing::RecordingExchange;

namespace json = boost::json;
namespace pr = warden::protocol;
using warden::server::Exchange;
using warden::server::ServerCore;

constexpr const char* kAllCapabilities = R"({"sampling":{},"elicitation":{},"roots":{}})";

json::object meta(std::string_view capabilities = kAllCapabilities) {
    json::object m{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}};
    m["io.modelcontextprotocol/clientCapabilities"] = json::parse(capabilities);
    return m;
}

json::object accept(json::object content) {
    return {{"action", "accept"}, {"content", std::move(content)}};
}

std::shared_ptr<const warden::Principal> principal(std::string sub) {
    auto p = std::make_shared<warden::Principal>();
    p->user_id = std::move(sub);
    p->issuer = "https://as.example";
    return p;
}

class Mrtr : public ::testing::Test {
  protected:
    void SetUp() override {
        core_ = std::make_shared<ServerCore>(warden::ServerInfo{.name = "t", .version = "1"},
                                             warden::ServerOptions{.worker_threads = 2});
        warden::Tool greet;
        greet.name = "greet";
        greet.description = "asks a name";
        greet.handler = [this](const json::object&, warden::Context& ctx) {
            ++runs_;
            auto name = ctx.elicit("What is your name?",
                                   json::parse(R"({"type":"object","properties":{"name":)"
                                               R"({"type":"string"}},"required":["name"]})")
                                       .as_object(),
                                   "user_name");
            if (!name) return warden::ToolResult::error(name.error().message());
            return warden::ToolResult::text(
                "Hello, " + std::string(name->content.at("name").as_string()) + "!");
        };
        core_->registry().add(std::move(greet));

        warden::Tool all;
        all.name = "all_at_once";
        all.description = "asks three things in one round";
        all.handler = [](const json::object&, warden::Context& ctx) {
            auto name = ctx.elicit("Name?", json::object{{"type", "object"}});
            auto text = ctx.sample(json::object{{"messages", json::array{}}, {"maxTokens", 5}});
            auto roots = ctx.list_roots();
            if (!name || !text || !roots) return warden::ToolResult::error("incomplete");
            return warden::ToolResult::text(std::to_string(roots->size()) + " roots");
        };
        core_->registry().add(std::move(all));

        warden::Tool steps;
        steps.name = "two_steps";
        steps.description = "asks the second question after the first answer";
        steps.handler = [](const json::object&, warden::Context& ctx) {
            auto first = ctx.elicit("Step 1", json::object{{"type", "object"}}, "step1");
            if (!first) return warden::ToolResult::error("step 1");
            auto second = ctx.elicit("Step 2", json::object{{"type", "object"}}, "step2");
            if (!second) return warden::ToolResult::error("step 2");
            return warden::ToolResult::text(json::serialize(first->content) +
                                            json::serialize(second->content));
        };
        core_->registry().add(std::move(steps));

        warden::Tool sampler;
        sampler.name = "needs_sampling_inside";
        sampler.description = "gives up without sampling";
        sampler.handler = [](const json::object&, warden::Context& ctx) {
            auto r = ctx.sample(json::object{{"messages", json::array{}}, {"maxTokens", 5}});
            if (!r) return warden::ToolResult::error(r.error().message());
            return warden::ToolResult::text("sampled");
        };
        core_->registry().add(std::move(sampler));

        warden::Tool later;
        later.name = "retry_later";
        later.description = "explicit input required with handler state";
        later.handler = [](const json::object&, warden::Context& ctx) {
            if (ctx.request_state().is_null()) {
                ctx.set_request_state("ticket-42");
                ctx.require_input();
                return warden::ToolResult::text("ignored");
            }
            return warden::ToolResult::text(std::string(ctx.request_state().as_string()));
        };
        core_->registry().add(std::move(later));

        warden::Prompt prompt;
        prompt.name = "ask_prompt";
        prompt.description = "a prompt that asks";
        prompt.get = [](const std::map<std::string, std::string>&, warden::Context& ctx) {
            warden::PromptResult r;
            auto c = ctx.elicit("Context?", json::object{{"type", "object"}}, "ctx");
            r.messages.push_back(warden::PromptMessage{
                "user", warden::Content::text(c ? json::serialize(c->content) : "none")});
            return r;
        };
        core_->registry().add(std::move(prompt));

        warden::Resource asking;
        asking.uri = "test://asks";
        asking.name = "asks";
        asking.read = [](warden::Context& ctx) {
            auto roots = ctx.list_roots("roots");
            const std::string text =
                roots ? std::to_string(roots->size()) + " roots" : std::string("waiting");
            return std::vector<warden::ResourceContents>{
                warden::ResourceContents::of_text("test://asks", text)};
        };
        core_->registry().add(std::move(asking));
    }
    void TearDown() override { core_->shutdown(); }

    json::object call(std::string_view method, json::object params,
                      std::shared_ptr<const warden::Principal> who = nullptr,
                      std::string_view capabilities = kAllCapabilities) {
        params["_meta"] = meta(capabilities);
        auto exchange = std::make_shared<RecordingExchange>();
        json::value message = {
            {"jsonrpc", "2.0"}, {"id", ++id_}, {"method", method}, {"params", std::move(params)}};
        warden::server::handle_modern_request(*core_, pr::classify(message), exchange,
                                              std::move(who), nullptr);
        return exchange->wait().as_object();
    }
    json::object tool(std::string_view name, json::object extra = {},
                      std::shared_ptr<const warden::Principal> who = nullptr) {
        extra["name"] = name;
        extra["arguments"] = json::object{};
        return call("tools/call", std::move(extra), std::move(who));
    }

    std::shared_ptr<ServerCore> core_;
    std::atomic<int> runs_{0};
    int id_ = 0;
};

TEST_F(Mrtr, ElicitationRoundTripRerunsTheHandlerWithTheAnswer) {
    auto first = tool("greet");
    const auto& r1 = first.at("result").as_object();
    EXPECT_EQ(r1.at("resultType"), "input_required");
    const auto& req = r1.at("inputRequests").at("user_name").as_object();
    EXPECT_EQ(req.at("method"), "elicitation/create");
    EXPECT_EQ(req.at("params").at("message"), "What is your name?");
    ASSERT_TRUE(r1.at("requestState").is_string());
    EXPECT_TRUE(r1.at("_meta").as_object().contains("io.modelcontextprotocol/serverInfo"));

    auto second = tool("greet", {{"inputResponses", {{"user_name", accept({{"name", "Alice"}})}}},
                                 {"requestState", r1.at("requestState")}});
    const auto& r2 = second.at("result").as_object();
    EXPECT_EQ(r2.at("resultType"), "complete");
    EXPECT_EQ(r2.at("content").at(0).at("text"), "Hello, Alice!");
    EXPECT_EQ(runs_.load(), 2);
}

TEST_F(Mrtr, EveryQuestionOfARoundIsAskedAtOnceUnderStableKeys) {
    auto first = tool("all_at_once").at("result").as_object();
    const auto& requests = first.at("inputRequests").as_object();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests.at("elicitation-1").at("method"), "elicitation/create");
    EXPECT_EQ(requests.at("sampling-1").at("method"), "sampling/createMessage");
    EXPECT_EQ(requests.at("roots-1").at("method"), "roots/list");

    json::object answers{{"elicitation-1", accept({{"n", 1}})},
                         {"sampling-1", {{"role", "assistant"}}},
                         {"roots-1", {{"roots", json::array{json::object{{"uri", "file:///a"}}}}}}};
    auto done = tool("all_at_once",
                     {{"inputResponses", answers}, {"requestState", first.at("requestState")}});
    EXPECT_EQ(done.at("result").at("content").at(0).at("text"), "1 roots");
}

TEST_F(Mrtr, LaterRoundsCarryEarlierAnswersInANewState) {
    auto r1 = tool("two_steps").at("result").as_object();
    ASSERT_TRUE(r1.at("inputRequests").as_object().contains("step1"));
    auto r2 = tool("two_steps", {{"inputResponses", {{"step1", accept({{"a", 1}})}}},
                                 {"requestState", r1.at("requestState")}})
                  .at("result")
                  .as_object();
    EXPECT_EQ(r2.at("resultType"), "input_required");
    ASSERT_TRUE(r2.at("inputRequests").as_object().contains("step2"));
    EXPECT_FALSE(r2.at("inputRequests").as_object().contains("step1"));
    EXPECT_NE(r2.at("requestState"), r1.at("requestState"));
    // The retry only answers step2; step1's answer comes from the sealed state, and a new
    // value for step1 in inputResponses cannot replace it.
    auto r3 =
        tool("two_steps",
             {{"inputResponses", {{"step1", accept({{"a", 9}})}, {"step2", accept({{"b", 2}})}}},
              {"requestState", r2.at("requestState")}})
            .at("result")
            .as_object();
    EXPECT_EQ(r3.at("content").at(0).at("text"), R"({"a":1}{"b":2})");
}

TEST_F(Mrtr, MissingAnswersAreAskedAgainAndExtraOnesIgnored) {
    auto wrong = tool("greet", {{"inputResponses", {{"wrong_key", accept({{"x", 1}})}}}});
    EXPECT_EQ(wrong.at("result").at("resultType"), "input_required");
    EXPECT_TRUE(wrong.at("result").at("inputRequests").as_object().contains("user_name"));

    auto extra = tool(
        "greet", {{"inputResponses",
                   {{"user_name", accept({{"name", "Bo"}})}, {"unknown", accept({{"y", 2}})}}}});
    EXPECT_EQ(extra.at("result").at("content").at(0).at("text"), "Hello, Bo!");
}

TEST_F(Mrtr, MalformedInputResponsesAreInvalidParams) {
    for (json::value bad : {json::value(nullptr), json::value(12), json::value("x")}) {
        auto r = tool("greet", {{"inputResponses", bad}});
        EXPECT_EQ(r.at("error").at("code"), pr::error_code::invalid_params) << bad;
    }
    auto r = tool("greet", {{"inputResponses", {{"user_name", 12345}}}});
    EXPECT_EQ(r.at("error").at("code"), pr::error_code::invalid_params);
    EXPECT_EQ(r.at("error").at("data").at("reason"), "bad_input_responses");
}

TEST_F(Mrtr, TamperedReplayedAndForeignStatesAreRefusedClearly) {
    auto alice = principal("alice");
    auto first = tool("greet", {}, alice).at("result").as_object();
    const std::string state(first.at("requestState").as_string());
    json::object answers{{"user_name", accept({{"name", "A"}})}};
    auto with_state = [&](std::string s) {
        return json::object{{"inputResponses", answers}, {"requestState", std::move(s)}};
    };

    std::string flipped = state;
    flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
    auto tampered = tool("greet", with_state(flipped), alice);
    EXPECT_EQ(tampered.at("error").at("code"), pr::error_code::invalid_params);
    EXPECT_EQ(tool("greet", with_state(state + "-TAMPERED"), alice).at("error").at("code"),
              pr::error_code::invalid_params);

    auto bob = tool("greet", with_state(state), principal("bob"));
    EXPECT_EQ(bob.at("error").at("data").at("reason"), "principal_mismatch");
    auto anonymous = tool("greet", with_state(state));
    EXPECT_EQ(anonymous.at("error").at("data").at("reason"), "principal_mismatch");
    auto other_tool = tool("two_steps", with_state(state), alice);
    EXPECT_EQ(other_tool.at("error").at("data").at("reason"), "params_mismatch");
    auto other_method =
        call("prompts/get",
             {{"name", "greet"}, {"inputResponses", answers}, {"requestState", state}}, alice);
    EXPECT_EQ(other_method.at("error").at("data").at("reason"), "method_mismatch");

    // Refusals do not consume the state; its owner still completes, once.
    auto ok = tool("greet", with_state(state), alice);
    EXPECT_EQ(ok.at("result").at("content").at(0).at("text"), "Hello, A!");
    auto again = tool("greet", with_state(state), alice);
    EXPECT_EQ(again.at("error").at("data").at("reason"), "replayed");
    EXPECT_EQ(tool("greet", {{"requestState", 5}}).at("error").at("code"),
              pr::error_code::invalid_params);
}

TEST_F(Mrtr, AStateFromAnotherKeyIsRefused) {
    auto other = std::make_shared<ServerCore>(warden::ServerInfo{.name = "o", .version = "1"},
                                              warden::ServerOptions{.worker_threads = 1});
    other->registry().add(warden::Tool(*core_->registry().find_tool("greet")));
    auto exchange = std::make_shared<RecordingExchange>();
    json::value message = {
        {"jsonrpc", "2.0"},
        {"id", 1},
        {"method", "tools/call"},
        {"params", {{"name", "greet"}, {"arguments", json::object{}}, {"_meta", meta()}}}};
    warden::server::handle_modern_request(*other, pr::classify(message), exchange, nullptr,
                                          nullptr);
    auto state = exchange->wait().at("result").at("requestState");
    other->shutdown();
    auto r = tool("greet", {{"inputResponses", {{"user_name", accept({{"name", "A"}})}}},
                            {"requestState", state}});
    EXPECT_EQ(r.at("error").at("data").at("reason"), "unknown_key");
}

TEST_F(Mrtr, SharedKeysLetAnotherServerResume) {
    std::vector<warden::state::Key> keys(1);
    keys[0].id = "shared";
    keys[0].secret.bytes.fill(7);
    auto ring = warden::state::KeyRing::create(keys).value();
    core_->set_state_keys(ring);
    auto replica = std::make_shared<ServerCore>(
        warden::ServerInfo{.name = "t", .version = "1"},
        warden::ServerOptions{.worker_threads = 1, .state_keys = keys});
    replica->registry().add(warden::Tool(*core_->registry().find_tool("greet")));
    auto first = tool("greet").at("result").as_object();

    auto exchange = std::make_shared<RecordingExchange>();
    json::value message = {{"jsonrpc", "2.0"},
                           {"id", 2},
                           {"method", "tools/call"},
                           {"params",
                            {{"name", "greet"},
                             {"arguments", json::object{}},
                             {"inputResponses", {{"user_name", accept({{"name", "R"}})}}},
                             {"requestState", first.at("requestState")},
                             {"_meta", meta()}}}};
    warden::server::handle_modern_request(*replica, pr::classify(message), exchange, nullptr,
                                          nullptr);
    auto done = exchange->wait().as_object();
    replica->shutdown();
    EXPECT_EQ(done.at("result").at("content").at(0).at("text"), "Hello, R!");
}

TEST_F(Mrtr, OnlyDeclaredCapabilitiesAreAskedAndAGivingUpHandlerGetsMissingCapability) {
    auto r = call("tools/call", {{"name", "needs_sampling_inside"}, {"arguments", json::object{}}},
                  nullptr, R"({"elicitation":{}})");
    EXPECT_EQ(r.at("error").at("code"), pr::error_code::missing_client_capability);
    EXPECT_TRUE(r.at("error").at("data").at("requiredCapabilities").at("sampling").is_object());

    // Only what the client declared is asked; once that is answered, a handler that cannot
    // do without the rest hears what the client lacks.
    auto partial = call("tools/call", {{"name", "all_at_once"}, {"arguments", json::object{}}},
                        nullptr, R"({"sampling":{}})");
    const auto& requests = partial.at("result").at("inputRequests").as_object();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_TRUE(requests.contains("sampling-1"));
    auto rest = call("tools/call",
                     {{"name", "all_at_once"},
                      {"arguments", json::object{}},
                      {"inputResponses", {{"sampling-1", {{"role", "assistant"}}}}},
                      {"requestState", partial.at("result").at("requestState")}},
                     nullptr, R"({"sampling":{}})");
    const auto& required = rest.at("error").at("data").at("requiredCapabilities").as_object();
    EXPECT_TRUE(required.contains("elicitation"));
    EXPECT_TRUE(required.contains("roots"));
    EXPECT_FALSE(required.contains("sampling"));
}

TEST_F(Mrtr, HandlersMayRequireInputExplicitlyAndKeepState) {
    auto first = tool("retry_later").at("result").as_object();
    EXPECT_EQ(first.at("resultType"), "input_required");
    EXPECT_FALSE(first.contains("inputRequests"));
    auto second = tool("retry_later", {{"requestState", first.at("requestState")}});
    EXPECT_EQ(second.at("result").at("content").at(0).at("text"), "ticket-42");
}

TEST_F(Mrtr, PromptsAndResourceReadsAskTooListingsNever) {
    auto first = call("prompts/get", {{"name", "ask_prompt"}}).at("result").as_object();
    EXPECT_EQ(first.at("resultType"), "input_required");
    auto done = call("prompts/get", {{"name", "ask_prompt"},
                                     {"inputResponses", {{"ctx", accept({{"c", 1}})}}},
                                     {"requestState", first.at("requestState")}});
    EXPECT_EQ(done.at("result").at("messages").at(0).at("content").at("text"), R"({"c":1})");
    EXPECT_EQ(call("tools/list", {}).at("result").at("resultType"), "complete");

    auto read = call("resources/read", {{"uri", "test://asks"}}).at("result").as_object();
    EXPECT_EQ(read.at("resultType"), "input_required");
    EXPECT_EQ(read.at("inputRequests").at("roots").at("method"), "roots/list");
    auto read_done =
        call("resources/read", {{"uri", "test://asks"},
                                {"inputResponses", {{"roots", {{"roots", json::array{}}}}}},
                                {"requestState", read.at("requestState")}});
    EXPECT_EQ(read_done.at("result").at("contents").at(0).at("text"), "0 roots");

    // Methods that cannot answer input_required give the handler not_deliverable.
    auto completion =
        call("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", "ask_prompt"}}},
                                     {"argument", {{"name", "x"}, {"value", ""}}}});
    EXPECT_FALSE(completion.at("result").as_object().contains("inputRequests"));
}

TEST_F(Mrtr, RunRoundGivesRequestsOrTheResult) {
    // The step the tasks extension drives: run with answers, get requests or a result.
    auto tool_ptr = core_->registry().find_tool("greet");
    auto run_with = [&](json::object answers) {
        auto exchange = std::make_shared<RecordingExchange>();
        auto c = warden::server::make_call(*core_, 1, exchange, nullptr, nullptr);
        c->modern = true;
        c->protocol_version = "2026-07-28";
        c->client_capabilities =
            std::make_shared<const json::object>(json::parse(kAllCapabilities).as_object());
        return warden::server::run_round(c, std::move(answers), {}, [&] {
            warden::Context ctx(c);
            return warden::server::MethodResult(
                json::value(tool_ptr->handler(json::object{}, ctx).content.size()));
        });
    };
    auto asked = run_with({});
    EXPECT_TRUE(asked.input_required);
    EXPECT_TRUE(asked.input_requests.contains("user_name"));
    auto done = run_with({{"user_name", accept({{"name", "T"}})}});
    EXPECT_FALSE(done.input_required);
    ASSERT_TRUE(std::holds_alternative<json::value>(done.result));
    EXPECT_EQ(std::get<json::value>(done.result), json::value(1));
    // A round that completes carries nothing over.
    EXPECT_TRUE(done.answers.empty());
    EXPECT_TRUE(done.input_requests.empty());
}

}  // namespace
