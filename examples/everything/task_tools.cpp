// Tools the tasks scenarios of conformance 0.2.0-alpha.12 call by name (the tasks extension
// `io.modelcontextprotocol/tasks`, SEP-2663): greet, slow_compute, failing_job,
// protocol_error_job, confirm_delete, multi_input and test_tool_with_task.
#include "fixture.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <thread>

namespace json = boost::json;

namespace everything {

namespace {

using warden::Context;
using warden::TaskSupport;
using warden::ToolResult;

warden::Tool spec(std::string name, std::string description, std::string_view schema,
                  TaskSupport support) {
    warden::Tool t;
    t.name = std::move(name);
    t.description = std::move(description);
    t.input_schema = json::parse(schema).as_object();
    t.task_support = support;
    return t;
}

// Sleeps `duration` in short steps; false when the call was cancelled meanwhile.
bool sleep_unless_cancelled(Context& ctx, std::chrono::milliseconds duration) {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) {
        if (ctx.cancelled()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return !ctx.cancelled();
}

std::string string_arg(const json::object& args, std::string_view name, std::string fallback) {
    const auto* v = args.if_contains(name);
    return v && v->is_string() ? std::string(v->get_string()) : fallback;
}

const json::object& confirm_schema() {
    static const json::object schema = json::parse(R"json({
        "type": "object",
        "properties": {"confirm": {"type": "boolean", "description": "Go ahead?"}},
        "required": ["confirm"]})json")
                                           .as_object();
    return schema;
}

}  // namespace

void register_task_tools(warden::App& app) {
    app.tool(
        spec("greet", "Greets by name (never a task)",
             R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})",
             TaskSupport::forbidden),
        [](const json::object& args, Context&) {
            return ToolResult::text("Hello, " + string_arg(args, "name", "World") + "!");
        });

    app.tool(spec("slow_compute",
                  "Sleeps `seconds` seconds, then answers (a task for clients that support "
                  "tasks; stops when the task is cancelled)",
                  R"({"type":"object","properties":{"seconds":{"type":"number","minimum":0},)"
                  R"("label":{"type":"string"}}})",
                  TaskSupport::optional),
             [](const json::object& args, Context& ctx) {
                 double seconds = 0;
                 if (const auto* s = args.if_contains("seconds"); s && s->is_number())
                     seconds = s->to_number<double>();
                 seconds = std::min(std::max(seconds, 0.0), 300.0);
                 const auto label = string_arg(args, "label", "unlabelled");
                 if (!sleep_unless_cancelled(
                         ctx, std::chrono::milliseconds(static_cast<long>(seconds * 1000))))
                     return ToolResult::text("Computation '" + label + "' cancelled");
                 return ToolResult::text("Computed '" + label + "' after " +
                                         std::to_string(seconds) + " s");
             });

    app.tool(spec("failing_job", "Fails with a tool error after about a second (task only)",
                  R"({"type":"object","properties":{}})", TaskSupport::required),
             [](Context& ctx) {
                 sleep_unless_cancelled(ctx, std::chrono::milliseconds(1000));
                 return ToolResult::error("The job failed: the input could not be processed");
             });

    app.tool(spec("protocol_error_job", "Fails with a JSON-RPC error (a protocol-level failure)",
                  R"({"type":"object","properties":{}})", TaskSupport::optional),
             [](Context&) -> ToolResult {
                 throw warden::ProtocolError(-32603, "The job's backend is unavailable");
             });

    app.tool(
        spec("confirm_delete", "Asks the user to confirm before deleting a file",
             R"({"type":"object","properties":{"filename":{"type":"string"}}})",
             TaskSupport::optional),
        [](const json::object& args, Context& ctx) {
            const auto file = string_arg(args, "filename", "the file");
            auto answer = ctx.elicit("Delete " + file + "?", confirm_schema());
            if (!answer) return ToolResult::error("No confirmation: " + answer.error().message());
            const auto* confirm = answer->content.if_contains("confirm");
            if (answer->action == "accept" && confirm && confirm->is_bool() && confirm->get_bool())
                return ToolResult::text("Deleted " + file);
            return ToolResult::text("Kept " + file);
        });

    app.tool(spec("multi_input", "Asks two questions at once, then answers with both",
                  R"({"type":"object","properties":{}})", TaskSupport::optional),
             [](Context& ctx) {
                 static const json::object kName = json::parse(R"json({
                     "type": "object",
                     "properties": {"name": {"type": "string"}},
                     "required": ["name"]})json")
                                                       .as_object();
                 // Both questions are asked before either answer is read, so a client sees
                 // them together.
                 auto first = ctx.elicit("First name?", kName);
                 auto second = ctx.elicit("Second name?", kName);
                 if (!first || !second)
                     return ToolResult::error("Missing input: " +
                                              (!first ? first.error() : second.error()).message());
                 auto name = [](const warden::ElicitResult& r) {
                     const auto* n = r.content.if_contains("name");
                     return n && n->is_string() ? std::string(n->get_string()) : std::string("?");
                 };
                 return ToolResult::text("Got " + name(*first) + " and " + name(*second));
             });

    // MRTR, then a task (SEP-2663 "Composition"): the name comes through an
    // InputRequiredResult round, and only then does the call become a task.
    auto composed =
        spec("test_tool_with_task", "Asks for a name, then greets it from a task (task only)",
             R"({"type":"object","properties":{}})", TaskSupport::required);
    composed.task_starts_in_handler = true;
    app.tool(std::move(composed), [](Context& ctx) {
        static const json::object kName = json::parse(R"json({
            "type": "object",
            "properties": {"name": {"type": "string", "description": "Your name"}},
            "required": ["name"]})json")
                                              .as_object();
        auto answer = ctx.elicit("What is your name?", kName);
        if (!answer) return ToolResult::error("No name: " + answer.error().message());
        if (!ctx.continue_as_task()) return ToolResult::text("continuing as a task");
        sleep_unless_cancelled(ctx, std::chrono::milliseconds(200));
        const auto* name = answer->content.if_contains("name");
        return ToolResult::text("Hello, " +
                                (name && name->is_string() ? std::string(name->get_string())
                                                           : std::string("stranger")) +
                                ", from a task!");
    });
}

}  // namespace everything
