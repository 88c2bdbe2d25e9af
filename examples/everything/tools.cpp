// The fixture's tools. Texts and shapes are the ones the conformance scenarios check.
#include "fixture.hpp"

#include <boost/describe.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <thread>

namespace json = boost::json;

struct SamplingArgs {
    std::string prompt;
    static constexpr std::pair<std::string_view, std::string_view> field_docs[] = {
        {"prompt", "The prompt to send to the LLM"}};
};
BOOST_DESCRIBE_STRUCT(SamplingArgs, (), (prompt))

struct ElicitationArgs {
    std::string message;
    static constexpr std::pair<std::string_view, std::string_view> field_docs[] = {
        {"message", "The message to show the user"}};
};
BOOST_DESCRIBE_STRUCT(ElicitationArgs, (), (message))

namespace everything {

namespace {

using warden::Content;
using warden::Context;
using warden::ToolResult;

void pause_ms(int ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// A tool without arguments; the schema lists no properties, as the reference server's do.
warden::Tool no_arguments(std::string name, std::string description) {
    warden::Tool spec;
    spec.name = std::move(name);
    spec.description = std::move(description);
    spec.input_schema = json::object{{"type", "object"}, {"properties", json::object{}}};
    return spec;
}

json::object parse_object(std::string_view text) {
    return json::parse(text).as_object();
}

// The text of a sampling result: `content` is one block, or (2025-11-25) an array of them.
std::string sampled_text(const json::object& answer) {
    const json::value* content = answer.if_contains("content");
    const json::object* block = nullptr;
    if (content && content->is_object()) block = &content->get_object();
    if (content && content->is_array())
        for (const auto& item : content->get_array())
            if (item.is_object() && item.get_object().contains("text")) {
                block = &item.get_object();
                break;
            }
    if (block)
        if (const auto* text = block->if_contains("text"); text && text->is_string())
            return std::string(text->get_string());
    return "No response";
}

ToolResult elicitation_outcome(std::string_view prefix,
                               const warden::result<warden::ElicitResult>& answer) {
    if (!answer)
        return ToolResult::error("Elicitation not supported or error: " + answer.error().message());
    return ToolResult::text(std::string(prefix) + "action=" + answer->action +
                            ", content=" + json::serialize(answer->content));
}

void add_content_tools(warden::App& app) {
    auto simple_text = no_arguments("test_simple_text", "Tests simple text content response");
    simple_text.required_scopes = contract_scopes("tools:test_simple_text");
    app.tool(std::move(simple_text),
             [] { return ToolResult::text("This is a simple text response for testing."); });
    app.tool(no_arguments("test_image_content", "Tests image content response"),
             [] { return Content::image(std::string(kTestImageBase64), "image/png"); });
    app.tool(no_arguments("test_audio_content", "Tests audio content response"),
             [] { return Content::audio(std::string(kTestAudioBase64), "audio/wav"); });
    app.tool(
        no_arguments("test_embedded_resource", "Tests embedded resource content response"), [] {
            return Content::resource_text("test://embedded-resource",
                                          "This is an embedded resource content.", "text/plain");
        });
    app.tool(no_arguments("test_multiple_content_types",
                          "Tests response with multiple content types (text, image, resource)"),
             [] {
                 return std::vector<Content>{
                     Content::text("Multiple content types test:"),
                     Content::image(std::string(kTestImageBase64), "image/png"),
                     Content::resource_text("test://mixed-content-resource",
                                            R"({"test":"data","value":123})", "application/json")};
             });
    app.tool(no_arguments("test_error_handling", "Tests error response handling"), [] {
        return ToolResult::error("This tool intentionally returns an error for testing");
    });
}

void add_notifying_tools(warden::App& app) {
    app.tool(no_arguments("test_tool_with_logging",
                          "Tests tool that emits log messages during execution"),
             [](Context& ctx) {
                 ctx.info("Tool execution started");
                 pause_ms(50);
                 ctx.info("Tool processing data");
                 pause_ms(50);
                 ctx.info("Tool execution completed");
                 return ToolResult::text("Tool with logging executed successfully");
             });
    app.tool(
        no_arguments("test_tool_with_progress", "Tests tool that reports progress notifications"),
        [](Context& ctx) {
            for (int step : {0, 50, 100}) {
                ctx.progress(step, 100, "Completed step " + std::to_string(step) + " of 100");
                // Also after the last step: the TypeScript SDK client dispatches
                // notifications a microtask late but drops a request's progress
                // handler as soon as its response is read, so progress that arrives
                // in the same read as the result is lost.
                pause_ms(50);
            }
            return ToolResult::text("Tool with progress executed successfully");
        });
    // SEP-1699: close the POST's SSE stream mid-call; the client reconnects with
    // Last-Event-ID and receives the result on the resumed stream.
    app.tool(no_arguments("test_reconnection",
                          "Tests SSE stream disconnection and client reconnection (SEP-1699). "
                          "Server will close the stream mid-call and send the result after "
                          "client reconnects."),
             [](Context& ctx) {
                 ctx.close_sse_stream();
                 pause_ms(100);
                 return ToolResult::text(
                     "Reconnection test completed successfully. If you received this, the "
                     "client properly reconnected after stream closure.");
             });
}

void add_client_request_tools(warden::App& app) {
    app.tool("test_sampling", "Tests server-initiated sampling (LLM completion request)",
             [](const SamplingArgs& args, Context& ctx) {
                 json::object message{
                     {"role", "user"},
                     {"content", json::object{{"type", "text"}, {"text", args.prompt}}}};
                 auto answer = ctx.sample(json::object{
                     {"messages", json::array{std::move(message)}}, {"maxTokens", 100}});
                 if (!answer)
                     return ToolResult::error("Sampling not supported or error: " +
                                              answer.error().message());
                 return ToolResult::text("LLM response: " + sampled_text(*answer));
             });

    app.tool("test_elicitation", "Tests server-initiated elicitation (user input request)",
             [](const ElicitationArgs& args, Context& ctx) {
                 return elicitation_outcome("User response: ",
                                            ctx.elicit(args.message, parse_object(R"json({
                     "type": "object",
                     "properties": {
                         "username": {"type": "string", "description": "User's response"},
                         "email": {"type": "string", "description": "User's email address"}
                     },
                     "required": ["username", "email"]})json")));
             });

    app.tool(no_arguments("test_elicitation_sep1034_defaults",
                          "Tests elicitation with default values per SEP-1034"),
             [](Context& ctx) {
                 return elicitation_outcome(
                     "Elicitation completed: ",
                     ctx.elicit("Please review and update the form fields with defaults",
                                parse_object(R"json({
                     "type": "object",
                     "properties": {
                         "name": {"type": "string", "description": "User name",
                                  "default": "John Doe"},
                         "age": {"type": "integer", "description": "User age", "default": 30},
                         "score": {"type": "number", "description": "User score",
                                   "default": 95.5},
                         "status": {"type": "string", "description": "User status",
                                    "enum": ["active", "inactive", "pending"],
                                    "default": "active"},
                         "verified": {"type": "boolean", "description": "Verification status",
                                      "default": true}
                     },
                     "required": []})json")));
             });

    app.tool(no_arguments("test_elicitation_sep1330_enums",
                          "Tests elicitation with enum schema improvements per SEP-1330"),
             [](Context& ctx) {
                 return elicitation_outcome(
                     "Elicitation completed: ",
                     ctx.elicit("Please select options from the enum fields", parse_object(R"json({
                     "type": "object",
                     "properties": {
                         "untitledSingle": {"type": "string", "description": "Select one option",
                                            "enum": ["option1", "option2", "option3"]},
                         "titledSingle": {"type": "string",
                                          "description": "Select one option with titles",
                                          "oneOf": [{"const": "value1", "title": "First Option"},
                                                    {"const": "value2", "title": "Second Option"},
                                                    {"const": "value3", "title": "Third Option"}]},
                         "legacyEnum": {"type": "string", "description": "Select one option (legacy)",
                                        "enum": ["opt1", "opt2", "opt3"],
                                        "enumNames": ["Option One", "Option Two", "Option Three"]},
                         "untitledMulti": {"type": "array", "description": "Select multiple options",
                                           "minItems": 1, "maxItems": 3,
                                           "items": {"type": "string",
                                                     "enum": ["option1", "option2", "option3"]}},
                         "titledMulti": {"type": "array",
                                         "description": "Select multiple options with titles",
                                         "minItems": 1, "maxItems": 3,
                                         "items": {"anyOf": [
                                             {"const": "value1", "title": "First Choice"},
                                             {"const": "value2", "title": "Second Choice"},
                                             {"const": "value3", "title": "Third Choice"}]}}
                     },
                     "required": []})json")));
             });
}

// SEP-1613: the schema must reach the client as written ($schema, $defs, $ref,
// additionalProperties), so this tool is registered in raw form.
void add_json_schema_tool(warden::App& app) {
    warden::Tool spec;
    spec.name = "json_schema_2020_12_tool";
    spec.description = "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)";
    spec.input_schema = parse_object(R"json({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": {"street": {"type": "string"}, "city": {"type": "string"}}
            }
        },
        "properties": {
            "name": {"type": "string"},
            "address": {"$ref": "#/$defs/address"},
            "contactMethod": {"type": "string", "enum": ["phone", "email"]},
            "phone": {"type": "string"},
            "email": {"type": "string"}
        },
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
        "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false})json");
    // The core's schema check does not follow $ref or additionalProperties; check here.
    spec.validate = [](const json::object& args) -> std::string {
        for (const auto& kv : args) {
            const std::string key(kv.key());
            if (key == "name") {
                if (!kv.value().is_string()) return "name: expected string";
            } else if (key == "contactMethod" || key == "phone" || key == "email") {
                if (!kv.value().is_string()) return key + ": expected string";
            } else if (key == "address") {
                const auto* address = kv.value().if_object();
                if (!address) return "address: expected object";
                for (const auto& field : *address)
                    if (!field.value().is_string())
                        return "address." + std::string(field.key()) + ": expected string";
            } else {
                return key + ": not allowed (additionalProperties is false)";
            }
        }
        return {};
    };
    app.tool(std::move(spec), [](const json::object& args, Context&) {
        return ToolResult::text("JSON Schema 2020-12 tool called with: " + json::serialize(args));
    });
}

}  // namespace

void register_tools(warden::App& app) {
    add_content_tools(app);
    add_notifying_tools(app);
    add_client_request_tools(app);
    add_json_schema_tool(app);
}

}  // namespace everything
