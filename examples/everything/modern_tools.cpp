// Tools the 2026-07-28 conformance scenarios call by name (conformance 0.2.0-alpha.12,
// src/scenarios/server/stateless.ts, http-standard-headers.ts).
#include "fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <thread>

namespace json = boost::json;

namespace everything {

namespace {

using warden::Context;
using warden::ToolResult;

warden::Tool no_arguments(std::string name, std::string description) {
    warden::Tool spec;
    spec.name = std::move(name);
    spec.description = std::move(description);
    spec.input_schema = json::object{{"type", "object"}, {"properties", json::object{}}};
    return spec;
}

// A list change the scenarios can cause on demand: a marker entry is added the first time
// and replaced afterwards; either way the registry notifies listen streams.
void add_triggers(warden::App& app) {
    app.tool(no_arguments("test_trigger_tool_change",
                          "Changes the tool list (notifications/tools/list_changed)"),
             [&app](Context&) {
                 app.tool(
                     no_arguments("test_changed_tool_marker", "Added by test_trigger_tool_change"),
                     [](Context&) { return ToolResult::text("marker"); });
                 return ToolResult::text("Mutation triggered");
             });
    app.tool(no_arguments("test_trigger_prompt_change",
                          "Changes the prompt list (notifications/prompts/list_changed)"),
             [&app](Context&) {
                 warden::Prompt marker;
                 marker.name = "test_changed_prompt_marker";
                 marker.description = "Added by test_trigger_prompt_change";
                 marker.get = [](const std::map<std::string, std::string>&, Context&) {
                     warden::PromptResult r;
                     r.messages.push_back({"user", warden::Content::text("marker")});
                     return r;
                 };
                 app.add_prompt(std::move(marker));
                 return ToolResult::text("Mutation triggered");
             });
}

// Cancellation made observable: a call that waits until it is cancelled, and a probe that
// tells how many such calls started and how many saw their cancellation (over 2026-07-28
// HTTP, closing the response stream is the cancellation; e2e tests read the probe).
void add_cancellation_tools(warden::App& app) {
    struct Counts {
        std::atomic<int> started{0};
        std::atomic<int> cancelled{0};
        std::atomic<int> completed{0};
    };
    static Counts counts;
    warden::Tool wait;
    wait.name = "test_cancellable_wait";
    wait.description =
        "Waits up to ms milliseconds (default 30000) or until cancelled; sends one progress "
        "notification first when the request has a progress token";
    wait.input_schema = json::parse(R"json({
        "type": "object",
        "properties": {"ms": {"type": "integer", "minimum": 0, "maximum": 60000}}})json")
                            .as_object();
    app.tool(std::move(wait), [](const json::object& args, Context& ctx) {
        ++counts.started;
        const auto* ms = args.if_contains("ms");
        const auto deadline =
            std::chrono::steady_clock::now() +
            std::chrono::milliseconds(ms && ms->is_int64() ? ms->get_int64() : 30000);
        ctx.progress(0, 1, "waiting");
        while (std::chrono::steady_clock::now() < deadline) {
            if (ctx.cancelled()) {
                ++counts.cancelled;
                return ToolResult::text("cancelled");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        ++counts.completed;
        return ToolResult::text("waited");
    });
    app.tool(no_arguments("test_cancellation_probe",
                          "How many test_cancellable_wait calls started, were cancelled and "
                          "waited to the end"),
             [](Context&) {
                 return ToolResult::text(
                     json::serialize(json::object{{"started", counts.started.load()},
                                                  {"cancelled", counts.cancelled.load()},
                                                  {"completed", counts.completed.load()}}));
             });
}

}  // namespace

void register_modern_tools(warden::App& app) {
    // Needs sampling: a 2026-07-28 request that does not declare it gets -32021 before the
    // handler runs.
    auto missing = no_arguments("test_missing_capability", "Test tool requiring sampling");
    missing.required_client_capabilities = {"sampling"};
    app.tool(std::move(missing), [](Context& ctx) {
        return ToolResult::text(
            "Sampling capability declared: " +
            std::string(ctx.client_capabilities().contains("sampling") ? "yes" : "no"));
    });
    auto streaming = no_arguments("test_streaming_elicitation",
                                  "Diagnostic tool validating response progress streams");
    streaming.required_client_capabilities = {"elicitation"};
    app.tool(std::move(streaming), [](Context& ctx) {
        // Only request-scoped notifications on the response stream, never a request.
        ctx.progress(50, 100, "half way");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return ToolResult::text("Streaming complete");
    });
    app.tool(no_arguments("test_logging_tool", "Diagnostic logging validator tool"),
             [](Context& ctx) {
                 // Sent only when the request named a log level in its _meta.
                 ctx.info("Diagnostic trace logging activated");
                 std::this_thread::sleep_for(std::chrono::milliseconds(20));
                 return ToolResult::text("Logging evaluated");
             });

    // SEP-2243: parameters mirrored into Mcp-Param-{Name} headers.
    warden::Tool headers;
    headers.name = "test_custom_headers";
    headers.description = "Echoes arguments that clients mirror into Mcp-Param-* headers";
    headers.input_schema = json::parse(R"json({
        "type": "object",
        "properties": {
            "region": {"type": "string", "description": "A region", "x-mcp-header": "Region"},
            "priority": {"type": "integer", "description": "A priority",
                         "x-mcp-header": "Priority"},
            "dryRun": {"type": "boolean", "description": "Dry run", "x-mcp-header": "DryRun"},
            "query": {"type": "string", "description": "Not mirrored"}
        },
        "required": ["region"]})json")
                               .as_object();
    app.tool(std::move(headers), [](const json::object& args, Context&) {
        return ToolResult::text("Custom headers tool called with: " + json::serialize(args));
    });
    add_triggers(app);
    add_cancellation_tools(app);
}

}  // namespace everything
