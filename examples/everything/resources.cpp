// The fixture's resources and resource template.
#include "fixture.hpp"

#include <boost/json/serialize.hpp>

namespace everything {

using warden::ResourceContents;

void register_resources(warden::App& app, const std::atomic<int>& watched_revision) {
    app.add_resource(
        {.uri = "test://static-text",
         .name = "static-text",
         .title = "Static Text Resource",
         .description = "A static text resource for testing",
         .mime_type = "text/plain",
         .required_scopes = contract_scopes("resources:static"),
         .read = [](warden::Context&) {
             return std::vector{ResourceContents::of_text(
                 "test://static-text", "This is the content of the static text resource.")};
         }});

    app.add_resource({.uri = "test://static-binary",
                      .name = "static-binary",
                      .title = "Static Binary Resource",
                      .description = "A static binary resource (image) for testing",
                      .mime_type = "image/png",
                      .read = [](warden::Context&) {
                          return std::vector{ResourceContents::of_blob(
                              "test://static-binary", std::string(kTestImageBase64), "image/png")};
                      }});

    app.add_resource(
        {.uri = std::string(kWatchedResourceUri),
         .name = "watched-resource",
         .title = "Watched Resource",
         .description = "A resource that changes periodically; subscribe to be told when",
         .mime_type = "text/plain",
         .read = [&watched_revision](warden::Context&) {
             return std::vector{ResourceContents::of_text(
                 std::string(kWatchedResourceUri), "Watched resource content (revision " +
                                                       std::to_string(watched_revision.load()) +
                                                       ")")};
         }});

    app.add_resource_template(
        {.uri_template = "test://template/{id}/data",
         .name = "template",
         .title = "Resource Template",
         .description = "A resource template with parameter substitution",
         .mime_type = "application/json",
         .required_scopes = contract_scopes("resources:template:{id}"),
         .read =
             [](const std::string& uri, const warden::UriVariables& vars, warden::Context&) {
                 const std::string& id = vars.at("id");
                 boost::json::object data{
                     {"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
                 return std::vector{ResourceContents::of_text(uri, boost::json::serialize(data),
                                                              "application/json")};
             },
         .completions = {{"id", [](std::string_view partial, const auto&) {
                              return starting_with(partial, {"1", "2", "3", "42", "123"});
                          }}}});
}

}  // namespace everything
