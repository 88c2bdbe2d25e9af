#include "server/pagination.hpp"

#include <charconv>
#include <string_view>

namespace warden::server {

namespace {
// The cursor is "p" + offset. Opaque by contract (MCP: clients must not parse it); the
// prefix makes a cursor from elsewhere fail instead of being read as a number.
constexpr std::string_view kPrefix = "p";
}  // namespace

std::optional<Page> page_for(const boost::json::object* params, std::size_t total,
                             std::size_t page_size) {
    std::size_t offset = 0;
    if (params) {
        if (const auto* cursor = params->if_contains("cursor")) {
            if (!cursor->is_string()) return std::nullopt;
            std::string_view s = cursor->get_string();
            if (!s.starts_with(kPrefix)) return std::nullopt;
            s.remove_prefix(kPrefix.size());
            auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), offset);
            if (ec != std::errc() || ptr != s.data() + s.size() || offset > total)
                return std::nullopt;
        }
    }
    if (page_size == 0) page_size = total ? total : 1;
    Page page;
    page.begin = offset;
    page.end = std::min(total, offset + page_size);
    if (page.end < total) page.next_cursor = std::string(kPrefix) + std::to_string(page.end);
    return page;
}

}  // namespace warden::server
