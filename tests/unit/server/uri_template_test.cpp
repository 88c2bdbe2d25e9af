#include "server/uri_template.hpp"

#include <gtest/gtest.h>

namespace {

using warden::server::match_uri_template;
using warden::server::template_variables;

TEST(UriTemplate, MatchesAVariableBetweenLiterals) {
    auto vars = match_uri_template("test://template/{id}/data", "test://template/123/data");
    ASSERT_TRUE(vars);
    EXPECT_EQ(vars->at("id"), "123");
}

TEST(UriTemplate, PercentDecodesVariables) {
    auto vars = match_uri_template("file:///{name}", "file:///a%20b");
    ASSERT_TRUE(vars);
    EXPECT_EQ(vars->at("name"), "a b");
}

TEST(UriTemplate, RejectsEmptySlashedOrMismatchedValues) {
    EXPECT_FALSE(match_uri_template("test://template/{id}/data", "test://template//data"));
    EXPECT_FALSE(match_uri_template("test://template/{id}/data", "test://template/1/2/data"));
    EXPECT_FALSE(match_uri_template("test://template/{id}/data", "test://template/1/datax"));
    EXPECT_FALSE(match_uri_template("test://template/{id}/data", "test://other/1/data"));
    EXPECT_FALSE(match_uri_template("file:///{name}", "file:///bad%2"));
}

TEST(UriTemplate, RejectsMalformedTemplates) {
    EXPECT_FALSE(match_uri_template("a/{x", "a/1"));
    EXPECT_FALSE(match_uri_template("a/{}", "a/1"));
    EXPECT_FALSE(match_uri_template("a/{+x}", "a/1"));
    EXPECT_FALSE(match_uri_template("a/{x}{y}", "a/12"));
    EXPECT_TRUE(template_variables("a/{x").empty());
}

TEST(UriTemplate, ListsVariablesInOrder) {
    EXPECT_EQ(template_variables("db://{schema}/{table}"),
              (std::vector<std::string>{"schema", "table"}));
}

}  // namespace

// Found by fuzz_uri_template: a name used twice must match one value.
TEST(UriTemplate, RepeatedVariableMustMatchTheSameValue) {
    EXPECT_TRUE(warden::server::match_uri_template("a{x}b{x}c", "a1b1c"));
    EXPECT_FALSE(warden::server::match_uri_template("a{x}b{x}c", "a1b2c"));
}
