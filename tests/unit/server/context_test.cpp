// Context and core behaviour a handler relies on: cancellation, client requests (roots,
// sampling), progress, log filtering, list_changed broadcasts, typed tools.
#include "server/core.hpp"
#include "server/session.hpp"

#include <warden/tool.hpp>

#include <gtest/gtest.h>
#include <boost/describe.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using warden::Context;
using warden::ToolResult;
using warden::server::ServerCore;
using warden::server::Session;

// Records every message; lets a test wait for a message that matches a predicate.
class Recorder : public warden::server::Exchange {
  public:
    void send(json::object message) override { push(json::value(std::move(message))); }
    void complete(json::value response) override {
        std::lock_guard lock(mutex_);
        completed_ = true;
        final_ = std::move(response);
        cv_.notify_all();
    }
    template <class Pred>
    json::object wait_for_message(Pred pred) {
        std::unique_lock lock(mutex_);
        json::object found;
        bool ok = cv_.wait_for(lock, 5s, [&] {
            for (const auto& m : messages_)
                if (pred(m.as_object())) {
                    found = m.as_object();
                    return true;
                }
            return false;
        });
        EXPECT_TRUE(ok) << "no matching message";
        return found;
    }
    json::value wait_complete() {
        std::unique_lock lock(mutex_);
        EXPECT_TRUE(cv_.wait_for(lock, 5s, [&] { return completed_; }));
        return final_;
    }
    std::size_t count(std::string_view method) {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& m : messages_)
            if (const auto* v = m.as_object().if_contains("method");
                v && v->is_string() && v->get_string() == method)
                ++n;
        return n;
    }

  private:
    void push(json::value v) {
        std::lock_guard lock(mutex_);
        messages_.push_back(std::move(v));
        cv_.notify_all();
    }
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<json::value> messages_;
    bool completed_ = false;
    json::value final_;
};

bool has_method(const json::object& m, std::string_view method) {
    const auto* v = m.if_contains("method");
    return v && v->is_string() && v->get_string() == method;
}

struct Point {
    int x;
    std::optional<int> y;
};
BOOST_DESCRIBE_STRUCT(Point, (), (x, y))

enum class Color { red, green };
BOOST_DESCRIBE_ENUM(Color, red, green)

struct ShapeArgs {
    std::string name;
    Color color;
    std::vector<Point> points;
    std::optional<bool> filled;
    static constexpr std::pair<std::string_view, std::string_view> field_docs[] = {
        {"name", "What to call it"}};
};
BOOST_DESCRIBE_STRUCT(ShapeArgs, (), (name, color, points, filled))

struct Area {
    double value;
};
BOOST_DESCRIBE_STRUCT(Area, (), (value))

class ContextTest : public ::testing::Test {
  protected:
    void SetUp() override {
        core_ = std::make_shared<ServerCore>(warden::ServerInfo{.name = "t", .version = "1"},
                                             warden::ServerOptions{.worker_threads = 4});
    }
    void TearDown() override { core_->shutdown(); }

    // An initialized session whose client declared `capabilities`.
    std::shared_ptr<Session> session(const std::string& capabilities = "{}") {
        auto s = core_->create_session("s");
        auto r = std::make_shared<Recorder>();
        s->handle_text(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{)"
                       R"("protocolVersion":"2025-11-25","capabilities":)" +
                           capabilities + R"(,"clientInfo":{"name":"c","version":"1"}}})",
                       r);
        r->wait_complete();
        return s;
    }
    json::value call(Session& s, const std::shared_ptr<Recorder>& r, std::string_view tool,
                     std::string_view args = "{}", std::string_view extra = "") {
        s.handle_text(
            std::string(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":")") +
                std::string(tool) + R"(","arguments":)" + std::string(args) + std::string(extra) +
                "}}",
            r);
        return r->wait_complete();
    }

    std::shared_ptr<ServerCore> core_;
};

TEST_F(ContextTest, CancellationReachesTheHandlerAndSuppressesTheResponse) {
    std::atomic<bool> saw_cancel{false};
    warden::Tool tool;
    tool.name = "slow";
    tool.handler = [&](const json::object&, Context& ctx) {
        for (int i = 0; i < 500 && !ctx.cancelled(); ++i) std::this_thread::sleep_for(10ms);
        saw_cancel = ctx.cancelled();
        return ToolResult::text("done");
    };
    core_->registry().add(tool);
    auto s = session();
    auto r = std::make_shared<Recorder>();
    s->handle_text(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}})", r);
    std::this_thread::sleep_for(20ms);
    s->handle_text(
        R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}})", r);
    EXPECT_TRUE(r->wait_complete().is_null()) << "a cancelled request gets no response";
    EXPECT_TRUE(saw_cancel);
}

TEST_F(ContextTest, RootsRoundTripThroughTheClient) {
    warden::Tool tool;
    tool.name = "roots";
    tool.handler = [](const json::object&, Context& ctx) {
        auto roots = ctx.list_roots();
        if (!roots) return ToolResult::error(roots.error().message());
        return ToolResult::text(json::serialize(roots.value()));
    };
    core_->registry().add(tool);
    auto s = session(R"({"roots":{"listChanged":true}})");
    auto r = std::make_shared<Recorder>();
    s->handle_text(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"roots"}})",
                   r);
    auto request =
        r->wait_for_message([](const json::object& m) { return has_method(m, "roots/list"); });
    // The client answers the server's request with the same id.
    json::object answer{
        {"jsonrpc", "2.0"},
        {"id", request.at("id")},
        {"result", {{"roots", json::array{{{"uri", "file:///w"}, {"name", "w"}}}}}}};
    s->handle(json::value(answer), r);
    auto result = r->wait_complete();
    EXPECT_EQ(result.at("result").at("content").at(0).at("text"),
              R"([{"uri":"file:///w","name":"w"}])");
}

TEST_F(ContextTest, SamplingWithoutTheCapabilityFailsWithoutAsking) {
    warden::Tool tool;
    tool.name = "sample";
    tool.handler = [](const json::object&, Context& ctx) {
        auto answer = ctx.sample({{"messages", json::array{}}, {"maxTokens", 5}});
        return answer ? ToolResult::text("asked") : ToolResult::error(answer.error().message());
    };
    core_->registry().add(tool);
    auto s = session();
    auto r = std::make_shared<Recorder>();
    auto result = call(*s, r, "sample");
    EXPECT_EQ(result.at("result").at("isError"), true);
    EXPECT_EQ(r->count("sampling/createMessage"), 0u);
}

TEST_F(ContextTest, ProgressOnlyWithAToken) {
    warden::Tool tool;
    tool.name = "p";
    tool.handler = [](const json::object&, Context& ctx) {
        ctx.progress(1, 2, "half");
        return ToolResult::text("ok");
    };
    core_->registry().add(tool);
    auto s = session();
    auto without = std::make_shared<Recorder>();
    call(*s, without, "p");
    EXPECT_EQ(without->count("notifications/progress"), 0u);
    auto with = std::make_shared<Recorder>();
    call(*s, with, "p", "{}", R"(,"_meta":{"progressToken":"tok"})");
    auto progress = with->wait_for_message(
        [](const json::object& m) { return has_method(m, "notifications/progress"); });
    EXPECT_EQ(progress.at("params").at("progressToken"), "tok");
    EXPECT_EQ(progress.at("params").at("total"), 2.0);
}

TEST_F(ContextTest, LogLevelFiltersMessages) {
    warden::Tool tool;
    tool.name = "log";
    tool.handler = [](const json::object&, Context& ctx) {
        ctx.debug("d");
        ctx.warning("w");
        return ToolResult::text("ok");
    };
    core_->registry().add(tool);
    auto s = session();
    auto set = std::make_shared<Recorder>();
    s->handle_text(
        R"({"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"warning"}})",
        set);
    set->wait_complete();
    auto r = std::make_shared<Recorder>();
    call(*s, r, "log");
    EXPECT_EQ(r->count("notifications/message"), 1u);
}

TEST_F(ContextTest, RegistryChangesNotifyInitializedSessions) {
    auto s = session();
    auto standalone = std::make_shared<Recorder>();
    s->set_standalone(standalone);
    auto quiet = core_->create_session("never-initialized");
    auto quiet_out = std::make_shared<Recorder>();
    quiet->set_standalone(quiet_out);

    warden::Tool tool;
    tool.name = "added";
    tool.handler = [](const json::object&, Context&) { return ToolResult::text("ok"); };
    core_->registry().add(tool);
    core_->registry().remove_prompt("absent");  // nothing removed: no notification
    core_->registry().add(warden::Prompt{.name = "p", .get = {}});
    standalone->wait_for_message(
        [](const json::object& m) { return has_method(m, "notifications/prompts/list_changed"); });
    EXPECT_EQ(standalone->count("notifications/tools/list_changed"), 1u);
    EXPECT_EQ(quiet_out->count("notifications/tools/list_changed"), 0u);
}

TEST_F(ContextTest, TypedToolSchemaAndValidation) {
    core_->registry().add(warden::make_tool(warden::Tool{.name = "shape"}, [](const ShapeArgs& a) {
        return Area{a.points.size() * 1.5};
    }));
    auto tool = core_->registry().find_tool("shape");
    ASSERT_TRUE(tool);
    const auto& schema = tool->input_schema;
    EXPECT_EQ(schema.at("required"), json::parse(R"(["name","color","points"])"));
    EXPECT_EQ(schema.at("properties").at("name").at("description"), "What to call it");
    EXPECT_EQ(schema.at("properties").at("color").at("enum"), json::parse(R"(["red","green"])"));
    EXPECT_EQ(schema.at("properties").at("points").at("items").at("required"),
              json::parse(R"(["x"])"));
    ASSERT_TRUE(tool->output_schema);
    EXPECT_EQ(tool->output_schema->at("properties").at("value").at("type"), "number");

    auto s = session();
    auto ok = std::make_shared<Recorder>();
    auto good =
        call(*s, ok, "shape", R"({"name":"t","color":"red","points":[{"x":1},{"x":2,"y":3}]})");
    EXPECT_EQ(good.at("result").at("structuredContent").at("value"), 3.0);
    auto bad = std::make_shared<Recorder>();
    auto wrong = call(*s, bad, "shape", R"({"name":"t","color":"blue","points":[]})");
    EXPECT_EQ(wrong.at("result").at("isError"), true);
    EXPECT_NE(json::serialize(wrong).find("color: must be one of: red, green"), std::string::npos);
    auto nested = std::make_shared<Recorder>();
    auto deep = call(*s, nested, "shape", R"({"name":"t","color":"red","points":[{"x":"1"}]})");
    EXPECT_NE(json::serialize(deep).find("points[0].x"), std::string::npos);
}

TEST_F(ContextTest, AThrowingHandlerIsAnErrorResultAndTheServerGoesOn) {
    warden::Tool tool;
    tool.name = "boom";
    tool.handler = [](const json::object&, Context&) -> ToolResult {
        throw std::runtime_error("disk on fire");
    };
    core_->registry().add(tool);
    auto s = session();
    auto r = std::make_shared<Recorder>();
    auto result = call(*s, r, "boom");
    EXPECT_EQ(result.at("result").at("isError"), true);
    EXPECT_NE(json::serialize(result).find("disk on fire"), std::string::npos);
    auto again = std::make_shared<Recorder>();
    s->handle_text(R"({"jsonrpc":"2.0","id":9,"method":"ping"})", again);
    EXPECT_EQ(again->wait_complete().at("result"), json::object{});
}

}  // namespace

// A non_blocking tool is answered on the thread that handed in the request: the exchange
// is complete when handle() returns, and the handler saw the caller's thread.
TEST_F(ContextTest, NonBlockingToolRunsOnTheCallingThread) {
    std::thread::id ran_on;
    warden::Tool tool;
    tool.name = "quick";
    tool.non_blocking = true;
    tool.handler = [&](const json::object&, Context& ctx) {
        ran_on = std::this_thread::get_id();
        ctx.info("logged inline");
        return ToolResult::text("fast");
    };
    core_->registry().add(tool);
    auto s = session();
    auto r = std::make_shared<Recorder>();
    s->handle_text(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"quick"}})",
                   r);
    EXPECT_EQ(ran_on, std::this_thread::get_id());
    EXPECT_EQ(r->count("notifications/message"), 1u);
    auto result = r->wait_complete();
    EXPECT_EQ(result.at("id"), 4);
    EXPECT_EQ(result.at("result").at("content").at(0).at("text"), "fast");
}

TEST_F(ContextTest, AnOrdinaryToolRunsOnTheWorkerPool) {
    std::thread::id ran_on;
    warden::Tool tool;
    tool.name = "pooled";
    tool.handler = [&](const json::object&, Context&) {
        ran_on = std::this_thread::get_id();
        return ToolResult::text("ok");
    };
    core_->registry().add(tool);
    auto s = session();
    auto r = std::make_shared<Recorder>();
    call(*s, r, "pooled");
    EXPECT_NE(ran_on, std::this_thread::get_id());
}

// Waiting for the client on the thread that reads the client's messages could never end:
// a non_blocking tool is refused at once, and nothing is sent to the client.
TEST_F(ContextTest, NonBlockingToolCannotWaitForTheClient) {
    warden::Tool tool;
    tool.name = "asks";
    tool.non_blocking = true;
    tool.handler = [](const json::object&, Context& ctx) {
        auto roots = ctx.list_roots();
        return roots ? ToolResult::text("asked") : ToolResult::error(roots.error().message());
    };
    core_->registry().add(tool);
    auto s = session(R"({"roots":{}})");
    auto r = std::make_shared<Recorder>();
    auto result = call(*s, r, "asks");
    EXPECT_EQ(result.at("result").at("isError"), true);
    EXPECT_EQ(result.at("result").at("content").at(0).at("text"),
              "a non_blocking tool cannot wait for the client");
    EXPECT_EQ(r->count("roots/list"), 0u);
}

TEST_F(ContextTest, NonBlockingToolThatThrowsBecomesAToolError) {
    warden::Tool tool;
    tool.name = "boom";
    tool.non_blocking = true;
    tool.handler = [](const json::object&, Context&) -> ToolResult {
        throw std::runtime_error("kaput");
    };
    core_->registry().add(tool);
    auto s = session();
    auto r = std::make_shared<Recorder>();
    auto result = call(*s, r, "boom");
    EXPECT_EQ(result.at("result").at("isError"), true);
    EXPECT_EQ(result.at("result").at("content").at(0).at("text"), "Tool 'boom' failed: kaput");
}

TEST_F(ContextTest, NonBlockingCannotBeCombinedWithRequirements) {
    warden::Tool with_secret;
    with_secret.name = "s";
    with_secret.non_blocking = true;
    with_secret.requires_secrets = {"API_KEY"};
    with_secret.handler = [](const json::object&, Context&) { return ToolResult::text("x"); };
    EXPECT_THROW(core_->registry().add(with_secret), std::invalid_argument);
    warden::Tool with_auth = with_secret;
    with_auth.requires_secrets.clear();
    with_auth.requires_auth = warden::AuthRequirement{.provider = "github", .scopes = {}};
    EXPECT_THROW(core_->registry().add(with_auth), std::invalid_argument);
    EXPECT_EQ(core_->registry().find_tool("s"), nullptr);
}
