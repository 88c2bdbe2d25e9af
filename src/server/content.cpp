// Wire forms of content blocks and results (MCP schema: ContentBlock, CallToolResult,
// ResourceContents, GetPromptResult).
#include <warden/content.hpp>
#include <warden/definitions.hpp>

namespace warden {

Content Content::text(std::string text) {
    return Content(json::object{{"type", "text"}, {"text", std::move(text)}});
}

Content Content::image(std::string base64_data, std::string mime_type) {
    return Content(json::object{
        {"type", "image"}, {"data", std::move(base64_data)}, {"mimeType", std::move(mime_type)}});
}

Content Content::audio(std::string base64_data, std::string mime_type) {
    return Content(json::object{
        {"type", "audio"}, {"data", std::move(base64_data)}, {"mimeType", std::move(mime_type)}});
}

Content Content::resource_text(std::string uri, std::string text, std::string mime_type) {
    return Content(json::object{
        {"type", "resource"},
        {"resource",
         ResourceContents::of_text(std::move(uri), std::move(text), std::move(mime_type))
             .to_json()}});
}

Content Content::resource_blob(std::string uri, std::string base64_blob, std::string mime_type) {
    return Content(json::object{
        {"type", "resource"},
        {"resource",
         ResourceContents::of_blob(std::move(uri), std::move(base64_blob), std::move(mime_type))
             .to_json()}});
}

Content Content::resource_link(std::string uri, std::string name, std::string description,
                               std::string mime_type) {
    json::object v{{"type", "resource_link"}, {"uri", std::move(uri)}, {"name", std::move(name)}};
    if (!description.empty()) v["description"] = std::move(description);
    if (!mime_type.empty()) v["mimeType"] = std::move(mime_type);
    return Content(std::move(v));
}

Content Content::raw(json::object block) {
    return Content(std::move(block));
}

Content& Content::annotate(json::object annotations) {
    value_["annotations"] = std::move(annotations);
    return *this;
}

ToolResult ToolResult::text(std::string text) {
    ToolResult r;
    r.content.push_back(Content::text(std::move(text)));
    return r;
}

ToolResult ToolResult::error(std::string message) {
    ToolResult r = text(std::move(message));
    r.is_error = true;
    return r;
}

json::object ToolResult::to_json() const {
    json::array blocks;
    blocks.reserve(content.size());
    for (const auto& c : content) blocks.push_back(c.to_json());
    json::object out{{"content", std::move(blocks)}};
    if (structured) out["structuredContent"] = *structured;
    if (is_error) out["isError"] = true;
    if (!meta.empty()) out["_meta"] = meta;
    return out;
}

ResourceContents ResourceContents::of_text(std::string uri, std::string text,
                                           std::string mime_type) {
    ResourceContents c;
    c.uri = std::move(uri);
    c.text = std::move(text);
    c.mime_type = std::move(mime_type);
    return c;
}

ResourceContents ResourceContents::of_blob(std::string uri, std::string base64_blob,
                                           std::string mime_type) {
    ResourceContents c;
    c.uri = std::move(uri);
    c.blob = std::move(base64_blob);
    c.mime_type = std::move(mime_type);
    return c;
}

json::object ResourceContents::to_json() const {
    json::object out{{"uri", uri}};
    if (!mime_type.empty()) out["mimeType"] = mime_type;
    if (text) out["text"] = *text;
    if (blob) out["blob"] = *blob;
    if (!meta.empty()) out["_meta"] = meta;
    return out;
}

json::object PromptResult::to_json() const {
    json::array out_messages;
    for (const auto& m : messages)
        out_messages.push_back(json::object{{"role", m.role}, {"content", m.content.to_json()}});
    json::object out{{"messages", std::move(out_messages)}};
    if (!description.empty()) out["description"] = description;
    return out;
}

}  // namespace warden
