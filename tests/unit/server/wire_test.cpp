// Tool results on the wire: always valid JSON (issue 15, item 12).
#include "server/wire.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <limits>

namespace {

namespace json = boost::json;
using warden::ToolResult;

// What a typed tool returns for convert_temperature(1e308 -> fahrenheit): 1e308 * 9 is +inf.
ToolResult with_number(double v) {
    ToolResult r = ToolResult::text("result");
    r.structured = json::object{{"value", v}, {"nested", json::array{1, json::object{{"x", v}}}}};
    return r;
}

TEST(ToolResultWire, NonFiniteNumberBecomesAnErrorResultThatIsValidJson) {
    const auto features = warden::protocol::features_of("2025-11-25");
    for (double v :
         {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
          std::numeric_limits<double>::quiet_NaN()}) {
        const auto out = warden::server::tool_result_to_json(with_number(v), features);
        const std::string wire = json::serialize(out);
        boost::system::error_code ec;
        auto back = json::parse(wire, ec);
        ASSERT_FALSE(ec) << wire;
        EXPECT_EQ(back.as_object().at("isError"), json::value(true)) << wire;
        EXPECT_FALSE(back.as_object().contains("structuredContent")) << wire;
        EXPECT_NE(wire.find("not finite"), std::string::npos) << wire;
    }
}

TEST(ToolResultWire, FiniteNumbersPassUnchanged) {
    const auto features = warden::protocol::features_of("2025-11-25");
    const auto out = warden::server::tool_result_to_json(with_number(1e308), features);
    EXPECT_FALSE(out.contains("isError"));
    EXPECT_EQ(out.at("structuredContent").as_object().at("value").as_double(), 1e308);
}

}  // namespace
