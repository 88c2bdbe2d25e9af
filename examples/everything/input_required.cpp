// Tools and the prompt the 2026-07-28 input-required conformance scenarios call by name
// (conformance 0.2.0-alpha.12, input-required-result-*; SEP-2322). Each is an ordinary
// handler: `ctx.elicit`/`sample`/`list_roots` with a key; in 2026-07-28 Warden turns the
// unanswered calls into an InputRequiredResult and re-runs the handler on the retry, and in
// the legacy era the same calls send requests to the client.
#include "fixture.hpp"

#include <boost/json/parse.hpp>

namespace json = boost::json;

namespace everything {

namespace {

using warden::ClientRequestError;
using warden::Context;
using warden::ToolResult;

warden::Tool no_arguments(std::string name, std::string description) {
    warden::Tool spec;
    spec.name = std::move(name);
    spec.description = std::move(description);
    spec.input_schema = json::object{{"type", "object"}, {"properties", json::object{}}};
    return spec;
}

json::object string_field(std::string_view field) {
    return json::object{{"type", "object"},
                        {"properties", {{field, {{"type", "string"}}}}},
                        {"required", json::array{json::string(field)}}};
}

json::object confirm_schema() {
    return json::parse(R"({"type":"object","properties":{"ok":{"type":"boolean"}},)"
                       R"("required":["ok"]})")
        .as_object();
}

json::object sampling_params(std::string_view question, int max_tokens) {
    return json::object{
        {"messages", json::array{json::object{
                         {"role", "user"}, {"content", {{"type", "text"}, {"text", question}}}}}},
        {"maxTokens", max_tokens}};
}

std::string text_of(const json::object& sampled) {
    const auto* content = sampled.if_contains("content");
    if (content && content->is_object())
        if (const auto* text = content->get_object().if_contains("text"); text && text->is_string())
            return std::string(text->get_string());
    return "(no text)";
}

std::string field(const warden::ElicitResult& answer, std::string_view name) {
    const auto* v = answer.content.if_contains(name);
    return v && v->is_string() ? std::string(v->get_string()) : std::string("(none)");
}

std::string describe_roots(const json::array& roots) {
    std::string out;
    for (const auto& root : roots) {
        const auto* uri = root.is_object() ? root.get_object().if_contains("uri") : nullptr;
        if (!uri || !uri->is_string()) continue;
        if (!out.empty()) out += ", ";
        out += uri->get_string();
    }
    return out.empty() ? "(none)" : out;
}

// The answer an input call could not give yet: in 2026-07-28 the core discards this
// result and answers with the InputRequiredResult instead.
template <class R>
ToolResult not_yet(const R& r) {
    return ToolResult::error("Input not available: " + r.error().message());
}

// A confirmation that proves the sealed state came back: the first round keeps a marker
// in it, and only a retry that carries that state sees the marker again.
ToolResult confirm_with_state(Context& ctx) {
    ctx.set_request_state("awaiting-confirmation");
    auto confirm = ctx.elicit("Please confirm", confirm_schema(), "confirm");
    if (!confirm) return not_yet(confirm);
    const bool state_ok = ctx.request_state() == "awaiting-confirmation";
    return ToolResult::text(std::string(state_ok ? "state-ok" : "no request state") + ": " +
                            confirm->action);
}

void add_single_input_tools(warden::App& app) {
    app.tool(no_arguments("test_input_required_result_elicitation",
                          "Asks the user's name (elicitation input request user_name)"),
             [](Context& ctx) {
                 auto name = ctx.elicit("What is your name?", string_field("name"), "user_name");
                 if (!name) return not_yet(name);
                 if (name->action != "accept") return ToolResult::text("Hello, stranger!");
                 return ToolResult::text("Hello, " + field(*name, "name") + "!");
             });
    app.tool(no_arguments("test_input_required_result_sampling",
                          "Asks the client's model a question (sampling input request)"),
             [](Context& ctx) {
                 auto answer = ctx.sample(sampling_params("What is the capital of France?", 100),
                                          "capital_question");
                 if (!answer) return not_yet(answer);
                 return ToolResult::text("The model said: " + text_of(*answer));
             });
    app.tool(no_arguments("test_input_required_result_list_roots",
                          "Asks the client for its roots (roots/list input request)"),
             [](Context& ctx) {
                 auto roots = ctx.list_roots("client_roots");
                 if (!roots) return not_yet(roots);
                 return ToolResult::text("Client roots: " + describe_roots(*roots));
             });
    app.tool(no_arguments("test_input_required_result_request_state",
                          "Asks for a confirmation and checks the echoed requestState"),
             [](Context& ctx) { return confirm_with_state(ctx); });
    app.tool(no_arguments("test_input_required_result_tampered_state",
                          "Asks for a confirmation; a tampered requestState is refused"),
             [](Context& ctx) { return confirm_with_state(ctx); });
}

void add_multi_input_tools(warden::App& app) {
    app.tool(no_arguments("test_input_required_result_multiple_inputs",
                          "Asks a name, a sampled greeting and the roots in one round"),
             [](Context& ctx) {
                 // Every question first, every check after: all three go out in one round.
                 auto name = ctx.elicit("What is your name?", string_field("name"), "user_name");
                 auto greeting = ctx.sample(sampling_params("Generate a greeting", 50), "greeting");
                 auto roots = ctx.list_roots("client_roots");
                 if (!name) return not_yet(name);
                 if (!greeting) return not_yet(greeting);
                 if (!roots) return not_yet(roots);
                 return ToolResult::text(text_of(*greeting) + " " + field(*name, "name") +
                                         " (roots: " + describe_roots(*roots) + ")");
             });
    app.tool(no_arguments("test_input_required_result_multi_round",
                          "Asks a name, then (in a second round) a favourite colour"),
             [](Context& ctx) {
                 auto name =
                     ctx.elicit("Step 1: What is your name?", string_field("name"), "step1");
                 if (!name) return not_yet(name);
                 auto color = ctx.elicit("Step 2: What is your favorite color?",
                                         string_field("color"), "step2");
                 if (!color) return not_yet(color);
                 return ToolResult::text(field(*name, "name") + " likes " + field(*color, "color"));
             });
    app.tool(no_arguments("test_input_required_result_capabilities",
                          "Asks only for the kinds of input the client declared"),
             [](Context& ctx) {
                 // Kinds the client did not declare are never asked: the calls answer
                 // capability_missing, and the tool does without them.
                 auto name = ctx.elicit("What is your name?", string_field("name"), "user_name");
                 auto sampled = ctx.sample(sampling_params("Say hello", 20), "hello");
                 const bool waiting =
                     (!name && name.error() == ClientRequestError::input_required) ||
                     (!sampled && sampled.error() == ClientRequestError::input_required);
                 if (waiting) return ToolResult::error("waiting for input");
                 std::string out = "Used:";
                 if (name) out += " elicitation";
                 if (sampled) out += " sampling";
                 if (!name && !sampled) out += " nothing (no input capability declared)";
                 return ToolResult::text(out);
             });
}

void add_prompt(warden::App& app) {
    warden::Prompt prompt;
    prompt.name = "test_input_required_result_prompt";
    prompt.description = "A prompt that asks the user for its context first";
    prompt.get = [](const std::map<std::string, std::string>&, Context& ctx) {
        warden::PromptResult r;
        auto context = ctx.elicit("What context should the prompt use?", string_field("context"),
                                  "user_context");
        const std::string text =
            context ? "Use this context: " + field(*context, "context") : "No context given";
        r.messages.push_back(warden::PromptMessage{"user", warden::Content::text(text)});
        return r;
    };
    app.add_prompt(std::move(prompt));
}

}  // namespace

void register_input_required(warden::App& app) {
    add_single_input_tools(app);
    add_multi_input_tools(app);
    add_prompt(app);
}

}  // namespace everything
