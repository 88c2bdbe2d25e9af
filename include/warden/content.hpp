#pragma once
// Content blocks and results that handlers return: text, image, audio, embedded
// resources and resource links (MCP "ContentBlock"), and the tool-call result.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

namespace json = boost::json;

/// One MCP content block. Build with the named constructors; `to_json()` gives the wire form.
class Content {
  public:
    /// A text block.
    static Content text(std::string text);
    /// An image; `base64_data` is already base64-encoded.
    static Content image(std::string base64_data, std::string mime_type);
    /// An audio clip; `base64_data` is already base64-encoded.
    static Content audio(std::string base64_data, std::string mime_type);
    /// An embedded text resource.
    static Content resource_text(std::string uri, std::string text,
                                 std::string mime_type = "text/plain");
    /// An embedded binary resource; `base64_blob` is already base64-encoded.
    static Content resource_blob(std::string uri, std::string base64_blob, std::string mime_type);
    /// A link to a resource the client may read or subscribe to.
    static Content resource_link(std::string uri, std::string name, std::string description = {},
                                 std::string mime_type = {});
    /// Any content block given in wire form (for fields Warden has no helper for).
    static Content raw(json::object block);

    /// Adds `annotations` (audience, priority, lastModified) to the block.
    Content& annotate(json::object annotations);

    const json::object& to_json() const& { return value_; }
    json::object to_json() && { return std::move(value_); }

  private:
    explicit Content(json::object v) : value_(std::move(v)) {}
    json::object value_{};
};

/// The result of `tools/call`. `is_error` results are shown to the model, not raised as
/// protocol errors (MCP: tool execution errors are reported inside the result).
struct ToolResult {
    std::vector<Content> content{};
    std::optional<json::value> structured;  ///< structuredContent (an object)
    bool is_error = false;
    json::object meta{};  ///< `_meta`

    /// A successful result with one text block.
    static ToolResult text(std::string text);
    /// An error result with one text block that explains what went wrong.
    static ToolResult error(std::string message);

    json::object to_json() const;
};

}  // namespace warden
