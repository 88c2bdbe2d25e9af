// The fixture's prompts, with completions for their arguments.
#include "fixture.hpp"

namespace everything {

namespace {

using warden::Content;
using warden::PromptResult;
using Arguments = std::map<std::string, std::string>;

}  // namespace

void register_prompts(warden::App& app) {
    app.add_prompt({.name = "test_simple_prompt",
                    .description = "A simple prompt without arguments",
                    .title = "Simple Test Prompt",
                    .required_scopes = contract_scopes("prompts:test_simple_prompt"),
                    .get = [](const Arguments&, warden::Context&) {
                        return PromptResult{
                            .messages = {{"user", Content::text("This is a simple prompt "
                                                                "for testing.")}}};
                    }});

    app.add_prompt(
        {.name = "test_prompt_with_arguments",
         .description = "A prompt with required arguments",
         .title = "Prompt With Arguments",
         .arguments = {{.name = "arg1", .description = "First test argument", .required = true},
                       {.name = "arg2", .description = "Second test argument", .required = true}},
         .get =
             [](const Arguments& args, warden::Context&) {
                 return PromptResult{
                     .messages = {
                         {"user", Content::text("Prompt with arguments: arg1='" + args.at("arg1") +
                                                "', arg2='" + args.at("arg2") + "'")}}};
             },
         .completions = {
             {"arg1",
              [](std::string_view partial, const Arguments&) {
                  return starting_with(partial, {"paris", "park", "party", "test", "testing"});
              }},
             // arg2's suggestions depend on arg1 (completion context, 2025-06-18).
             {"arg2", [](std::string_view partial, const Arguments& context) {
                  auto it = context.find("arg1");
                  if (it != context.end() && it->second.starts_with("test"))
                      return starting_with(partial, {"test-a", "test-b"});
                  return starting_with(partial, {"alpha", "beta", "gamma"});
              }}}});

    app.add_prompt(
        {.name = "test_prompt_with_embedded_resource",
         .description = "A prompt that includes an embedded resource",
         .title = "Prompt With Embedded Resource",
         .arguments = {{.name = "resourceUri",
                        .description = "URI of the resource to embed",
                        .required = true}},
         .get =
             [](const Arguments& args, warden::Context&) {
                 return PromptResult{
                     .messages = {
                         {"user", Content::resource_text(args.at("resourceUri"),
                                                         "Embedded resource content for testing.",
                                                         "text/plain")},
                         {"user", Content::text("Please process the embedded resource above.")}}};
             },
         .completions = {{"resourceUri", [](std::string_view partial, const Arguments&) {
                              return starting_with(partial,
                                                   {"test://static-text", "test://static-binary",
                                                    "test://watched-resource"});
                          }}}});

    app.add_prompt(
        {.name = "test_prompt_with_image",
         .description = "A prompt that includes image content",
         .title = "Prompt With Image",
         .get = [](const Arguments&, warden::Context&) {
             return PromptResult{
                 .messages = {{"user", Content::image(std::string(kTestImageBase64), "image/png")},
                              {"user", Content::text("Please analyze the image above.")}}};
         }});
}

}  // namespace everything
