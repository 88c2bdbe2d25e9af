// Fuzzes JSON-RPC parsing and dispatch: every input is one message (or batch) handed to an
// initialized session of a server with a typed tool, a raw-schema tool, a resource
// template and a prompt. Whatever the input, the session must answer or stay silent
// without crashing, and every answer must be a JSON-RPC 2.0 message.
#include "server/core.hpp"
#include "server/session.hpp"

#include <warden/tool.hpp>

#include <boost/describe.hpp>

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace {

struct Args {
    std::string text;
    std::optional<int> count;
    std::vector<double> values;
};
BOOST_DESCRIBE_STRUCT(Args, (), (text, count, values))

class CheckingExchange : public warden::server::Exchange {
  public:
    void send(boost::json::object message) override { check(message); }
    void complete(boost::json::value response) override {
        if (response.is_null()) return;
        if (auto* arr = response.if_array()) {
            for (auto& item : *arr) check(item.as_object());
        } else {
            check(response.as_object());
        }
    }

  private:
    static void check(const boost::json::object& m) {
        const auto* v = m.if_contains("jsonrpc");
        if (!v || *v != "2.0") __builtin_trap();
    }
};

std::shared_ptr<warden::server::ServerCore> make_core() {
    warden::ServerOptions options;
    options.worker_threads = 1;
    options.page_size = 2;
    options.client_request_timeout = std::chrono::milliseconds(1);
    auto core = std::make_shared<warden::server::ServerCore>(
        warden::ServerInfo{.name = "fuzz", .version = "1"}, options);
    auto& r = core->registry();
    warden::Tool typed;
    typed.name = "typed";
    r.add(warden::make_tool(std::move(typed), [](const Args& a, warden::Context& ctx) {
        ctx.progress(1, 2);
        ctx.info(a.text);
        return a.text;
    }));
    warden::Tool raw;
    raw.name = "raw";
    raw.input_schema = {{"type", "object"},
                        {"properties", {{"n", {{"type", "integer"}, {"minimum", 0}}}}},
                        {"required", {"n"}}};
    raw.handler = [](const boost::json::object&, warden::Context& ctx) {
        auto roots = ctx.list_roots();  // no capability: fails fast
        return warden::ToolResult::text(roots ? "roots" : "no roots");
    };
    r.add(std::move(raw));
    r.add(warden::ResourceTemplate{
        .uri_template = "test://{id}/data",
        .name = "t",
        .read =
            [](const std::string& uri, const warden::UriVariables& vars, warden::Context&) {
                return std::vector{warden::ResourceContents::of_text(uri, vars.at("id"))};
            },
        .completions = {{"id", [](std::string_view p, const auto&) {
                             return std::vector<std::string>{std::string(p) + "1"};
                         }}}});
    r.add(
        warden::Prompt{.name = "p",
                       .arguments = {{.name = "a", .required = true}},
                       .get = [](const std::map<std::string, std::string>& args, warden::Context&) {
                           return warden::PromptResult{
                               .messages = {{"user", warden::Content::text(args.at("a"))}}};
                       }});
    return core;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto core = make_core();
    static const auto exchange = std::make_shared<CheckingExchange>();
    auto session = core->create_session("fuzz");
    // Half the inputs hit a session that has not been initialized (the lifecycle gate).
    if (size % 2) session->assume_initialized(size % 4 == 1 ? "2025-03-26" : "2025-11-25");
    session->handle_text(std::string_view(reinterpret_cast<const char*>(data), size), exchange);
    core->wait_idle(std::chrono::seconds(5));
    session->close();
    return 0;
}
